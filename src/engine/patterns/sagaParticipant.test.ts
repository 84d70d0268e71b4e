import { describe, expect, it } from 'vitest';
import { sagaInstances, sagaTimeline } from '../eventsourcing/sagaTimeline';
import { expectBalanced, figuresOf, storeOf } from '../eventsourcing/testing';
import { TestSimulation } from '../testing/TestSimulation';

/** order → payment → shipping over a publish-subscribe bus; payment and shipping fail sometimes. */
function choreography(paymentFailure = 0.3, shippingFailure = 0.2) {
  return TestSimulation.of(
    {
      orders: [
        'producer',
        { rate: 20, count: 200, message: { type: 'PlaceOrder', payload: { sku: 'A-{{randInt 1 9}}' } } },
      ],
      order: [
        'saga-participant',
        {
          store: 'store',
          on: ['PlaceOrder'],
          success: 'OrderPlaced',
          failure: 'OrderRejected',
          compensateOn: ['PaymentFailed', 'PaymentRefunded'],
          compensated: 'OrderCancelled',
          serviceTime: { dist: 'constant', value: 5 },
        },
      ],
      payment: [
        'saga-participant',
        {
          store: 'store',
          on: ['OrderPlaced'],
          failureRate: paymentFailure,
          success: 'PaymentCompleted',
          failure: 'PaymentFailed',
          compensateOn: ['ShippingFailed'],
          compensated: 'PaymentRefunded',
        },
      ],
      shipping: [
        'saga-participant',
        {
          store: 'store',
          on: ['PaymentCompleted'],
          failureRate: shippingFailure,
          success: 'Shipped',
          failure: 'ShippingFailed',
          compensateOn: [],
          compensated: 'ShipmentCancelled',
        },
      ],
      bus: 'publish-subscribe',
      store: 'event-store',
    },
    [
      'orders -> order',
      'order -> bus',
      'payment -> bus',
      'shipping -> bus',
      'bus -> order',
      'bus -> payment',
      'bus -> shipping',
    ],
    { until: 120_000 },
  );
}

const types = (t: TestSimulation, id: string) =>
  sagaTimeline(t.sim, id)!.entries.map((e) => `${e.step}:${e.type}`);

describe('saga participant (choreography)', () => {
  it('a failing payment cancels the order; a failing shipment refunds the payment, then cancels the order', () => {
    const t = choreography();
    t.run();
    const pay = figuresOf(t, 'payment');
    const ship = figuresOf(t, 'shipping');
    const order = figuresOf(t, 'order');
    expect(pay.failed).toBeGreaterThan(20);
    expect(ship.failed).toBeGreaterThan(10);
    // each failure downstream of the order undoes it exactly once
    expect(order.compensated).toBe(pay.failed + ship.failed);
    expect(pay.compensated).toBe(ship.failed);
    expect(ship.succeeded + ship.failed).toBe(pay.succeeded);

    const list = sagaInstances(t.sim, 1000);
    expect(list.counts.completed).toBe(ship.succeeded);
    expect(list.counts.compensated).toBe(pay.failed + ship.failed);
    expect(list.counts.running + list.counts.compensating).toBe(0);
    const shipFail = list.items.find((i) => types(t, i.id).includes('shipping:StepFailed'))!;
    expect(types(t, shipFail.id)).toEqual([
      'order:StepStarted',
      'order:StepCompleted',
      'payment:StepStarted',
      'payment:StepCompleted',
      'shipping:StepStarted',
      'shipping:StepFailed',
      'payment:CompensationStarted',
      'payment:CompensationCompleted',
      'order:CompensationStarted',
      'order:CompensationCompleted',
    ]);
    const payFail = list.items.find((i) => types(t, i.id).includes('payment:StepFailed'))!;
    expect(types(t, payFail.id)).toEqual([
      'order:StepStarted',
      'order:StepCompleted',
      'payment:StepStarted',
      'payment:StepFailed',
      'order:CompensationStarted',
      'order:CompensationCompleted',
    ]);
    expect(sagaTimeline(t.sim, payFail.id)).toMatchObject({
      style: 'choreographed',
      state: 'compensated',
      steps: ['order', 'payment'],
    });
    // the logs of all participants are in the store, by correlation id
    expect(
      storeOf(t)
        .read(`saga-${payFail.id}`)
        .map((e) => e.type),
    ).toEqual(sagaTimeline(t.sim, payFail.id)!.entries.map((e) => e.type));
    expectBalanced(t);
  });

  it('ignores events it does not react to, and repeats', () => {
    const t = choreography(0, 0);
    t.run();
    expect(figuresOf(t, 'payment').compensated).toBe(0);
    expect(figuresOf(t, 'order').ignored).toBeGreaterThan(0);
    expect(sagaInstances(t.sim, 10).counts.completed).toBe(200);
  });
});
