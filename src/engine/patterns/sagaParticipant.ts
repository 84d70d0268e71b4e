/**
 * Saga participant (choreography): an event whose type is in `on` starts a local transaction that takes
 * the service time and fails with the failure rate; then the participant publishes its success or failure
 * event, derived from the trigger (same correlation id), out of `out`. An event in `compensateOn` undoes
 * the transaction of its correlation id, if this participant completed it and has not undone it yet
 * (so each compensation runs once), and publishes the compensated event, which reaches the participants
 * before it. Every trigger ends here (completed); the events it publishes are new messages. Each step is
 * logged per correlation id (and in the saga log store when configured), so the studio can rebuild the
 * saga from the logs of all participants.
 */
import type { z } from 'zod';
import type { sagaParticipantConfig } from '../../model/kinds/sagas';
import type { Message } from '../../model/message';
import { Deque } from '../Deque';
import { compileDistribution } from '../distributions';
import { SagaLogWriter, type SagaLogEntry } from '../eventsourcing/sagaLog';
import type { NodeBehavior, NodeContext, PatternDefinition } from '../pattern';
import { resolveStore } from './eventStore';

type Config = z.output<typeof sagaParticipantConfig>;
const DONE = 1;
const UNDONE = 2;
/** Correlation ids remembered (the oldest are forgotten beyond this). */
const MAX_TRACKED = 100_000;

type Status = 'working' | 'done' | 'failed' | 'compensating' | 'compensated';

interface Tracked {
  status: Status;
  log: SagaLogEntry[];
}

/** The `saga-participant` kind. */
export const sagaParticipant: PatternDefinition = {
  kind: 'saga-participant',
  create(ctx: NodeContext<Config>): NodeBehavior {
    const c = ctx.config;
    const stepName = c.step ?? ctx.id;
    const on = new Set(c.on);
    const compensateOn = new Set(c.compensateOn);
    const serviceTime = compileDistribution(c.serviceTime);
    const compensationTime = compileDistribution(c.compensationTime);
    const tracked = new Map<string, Tracked>();
    const queue = new Deque<Message>();
    let busy = 0;
    let compensating = 0;
    const n = { succeeded: 0, failed: 0, compensated: 0, ignored: 0 };
    let log = new SagaLogWriter(null, ctx.id);
    ctx.setCapacity(c.concurrency);

    const track = (id: string): Tracked => {
      let t = tracked.get(id);
      if (t === undefined) {
        if (tracked.size >= MAX_TRACKED) tracked.delete(tracked.keys().next().value!);
        t = { status: 'working', log: [] };
        tracked.set(id, t);
      }
      return t;
    };

    const startNext = () => {
      while (busy < c.concurrency && queue.length) {
        busy++;
        const m = queue.shift()!;
        log.write(track(m.correlationId).log, m.correlationId, 'StepStarted', ctx.now(), stepName, m.type);
        ctx.schedule(serviceTime(ctx.rng), DONE, m);
      }
      ctx.setQueueDepth(queue.length);
      ctx.setBusy(busy + compensating);
    };

    const publish = (trigger: Message, type: string) => {
      const out = ctx.derive(trigger, { kind: 'event', type, headers: { participant: ctx.id } });
      ctx.complete(trigger);
      ctx.emit('out', out);
    };

    return {
      start() {
        if (c.store !== undefined) log = new SagaLogWriter(resolveStore(ctx, c.store), ctx.id);
      },
      onMessage(msg) {
        const t = tracked.get(msg.correlationId);
        if (on.has(msg.type) && t === undefined) {
          track(msg.correlationId);
          queue.push(msg);
          startNext();
          return;
        }
        if (compensateOn.has(msg.type) && t !== undefined && t.status === 'done') {
          t.status = 'compensating';
          compensating++;
          ctx.setBusy(busy + compensating);
          log.write(t.log, msg.correlationId, 'CompensationStarted', ctx.now(), stepName, msg.type);
          ctx.schedule(compensationTime(ctx.rng), UNDONE, msg);
          return;
        }
        // not for this participant, a repeat, or nothing to undo
        n.ignored++;
        ctx.complete(msg);
      },
      onTimer(tag, msg) {
        const m = msg!;
        const t = track(m.correlationId);
        if (tag === UNDONE) {
          compensating--;
          t.status = 'compensated';
          n.compensated++;
          log.write(t.log, m.correlationId, 'CompensationCompleted', ctx.now(), stepName, c.compensated);
          ctx.setBusy(busy + compensating);
          publish(m, c.compensated);
          return;
        }
        busy--;
        const ok = !ctx.rng.chance(c.failureRate);
        t.status = ok ? 'done' : 'failed';
        if (ok) n.succeeded++;
        else {
          n.failed++;
          ctx.countFailed();
        }
        log.write(
          t.log,
          m.correlationId,
          ok ? 'StepCompleted' : 'StepFailed',
          ctx.now(),
          stepName,
          ok ? c.success : c.failure,
        );
        startNext();
        ctx.notifyReady();
        publish(m, ok ? c.success : c.failure);
      },
      isIdle: (pending) => busy + queue.length + pending < c.concurrency,
      held: () => busy + queue.length + compensating,
      view: () => ({ figures: { ...n, busy, queued: queue.length } }),
      action(name, args) {
        if (name === 'log') {
          const t = tracked.get(String(args.correlationId));
          return t ? { status: t.status, log: t.log } : null;
        }
        if (name === 'correlations') {
          const limit =
            typeof args.limit === 'number' ? Math.min(1000, Math.max(1, Math.floor(args.limit))) : 100;
          const ids = [...tracked.keys()].reverse().slice(0, limit);
          return ids.map((id) => ({ id, status: tracked.get(id)!.status }));
        }
        throw new Error(`saga participant: unknown action "${name}"`);
      },
    };
  },
};
