/**
 * Test helpers of the event-sourcing, CQRS and saga kinds: a bank-account aggregate config, message
 * accounting checks and access to a run's store. Used by tests and benchmarks only.
 */
import { expect } from 'vitest';
import type { TestSimulation } from '../testing/TestSimulation';
import type { EventStoreModel } from './EventStoreModel';

/** A bank account: deposits, withdrawals with an insufficient-funds guard; events record the balance seen. */
export const BANK_HANDLER = {
  store: 'store',
  aggregateId: 'payload.account',
  streamPrefix: 'acct-',
  initialState: { balance: 0 },
  commands: [
    {
      type: 'Deposit',
      guards: [{ require: 'payload.command.amount > 0', reason: 'amount must be positive' }],
      emit: [
        { type: 'Deposited', payload: { amount: 'payload.command.amount', before: 'payload.state.balance' } },
      ],
    },
    {
      type: 'Withdraw',
      guards: [{ require: 'payload.state.balance >= payload.command.amount', reason: 'insufficient funds' }],
      emit: [
        { type: 'Withdrawn', payload: { amount: 'payload.command.amount', before: 'payload.state.balance' } },
      ],
    },
  ],
  apply: [
    { event: 'Deposited', set: { balance: 'payload.state.balance + payload.event.amount' } },
    { event: 'Withdrawn', set: { balance: 'payload.state.balance - payload.event.amount' } },
  ],
};

/** Checks that every message is accounted for: produced + derived = ended + in flight. */
export function expectBalanced(t: TestSimulation): void {
  const a = t.accounting();
  expect(a.produced + a.derived).toBe(a.completed + a.deadLettered + a.dropped + a.merged + a.inFlight);
  expect(a.inFlight).toBe(a.byNodes + a.inTransit);
}

/** The event store model of a node. */
export function storeOf(t: TestSimulation, id = 'store'): EventStoreModel {
  return t.action(id, 'model') as EventStoreModel;
}

/** A node's view figures. */
export function figuresOf(t: TestSimulation, id: string): Record<string, number> {
  return (t.sim.views()[t.indexOf(id)]?.figures ?? {}) as Record<string, number>;
}
