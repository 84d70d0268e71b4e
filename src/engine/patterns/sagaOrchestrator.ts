/**
 * Saga orchestrator: a state machine of ordered steps per instance, keyed by correlation id. A message on
 * `in` starts an instance (and is held until it ends); each step sends its command (derived from the
 * starting message: same correlation id) out of the port named after the step and waits for a reply on
 * `replies`. A reply completes the step when its type is in `completedBy` (default: the command type) and
 * it did not leave a failure port; it fails the step when its type is in `failedBy` or it left a failure
 * port (its dead-letter reason is set). A timeout fails the step too (and, with `compensateTimedOut`, the
 * step is compensated, since its work may have happened). On a failure the compensating commands of the
 * completed steps are sent in reverse order, one at a time, each once. Replies that match nothing the
 * instance waits for (late replies, replies to another step) are absorbed and counted as `late`.
 */
import type { z } from 'zod';
import type { sagaOrchestratorConfig } from '../../model/kinds/sagas';
import type { Message } from '../../model/message';
import { ExpressionError } from '../expressions';
import { ExpressionMap } from '../eventsourcing/expr';
import { SagaLogWriter, SAGA_STATES, type SagaLogEntry, type SagaState } from '../eventsourcing/sagaLog';
import type { NodeBehavior, NodeContext, PatternDefinition } from '../pattern';
import { resolveStore } from './eventStore';

type Config = z.output<typeof sagaOrchestratorConfig>;
const TIMEOUT = 1;

interface Step {
  name: string;
  command: string;
  payload: ExpressionMap;
  completedBy: ReadonlySet<string>;
  failedBy: ReadonlySet<string>;
  timeout: number;
  compensation: string | null;
  compensatedBy: ReadonlySet<string>;
}

interface Instance {
  id: string;
  start: Message | null;
  state: SagaState;
  /** Index of the step running, or being compensated (index into `steps`). */
  step: number;
  waiting: 'step' | 'comp' | null;
  /** Bumped on every wait, so a stale timeout is recognised. */
  token: number;
  /** Steps to compensate, in the order they completed. */
  done: number[];
  /** Compensations still to run, next first. */
  toCompensate: number[];
  log: SagaLogEntry[];
  startedAt: number;
  endedAt: number | null;
}

/** The `saga-orchestrator` kind. */
export const sagaOrchestrator: PatternDefinition = {
  kind: 'saga-orchestrator',
  create(ctx: NodeContext<Config>): NodeBehavior {
    const c = ctx.config;
    const steps: Step[] = c.steps.map((s, i) => ({
      name: s.name,
      command: s.command,
      payload: new ExpressionMap(`node "${ctx.id}": config.steps[${i}].payload`, s.payload),
      completedBy: new Set(s.completedBy.length ? s.completedBy : [s.command]),
      failedBy: new Set(s.failedBy),
      timeout: s.timeout,
      compensation: s.compensation ?? null,
      compensatedBy: new Set(
        s.compensatedBy.length ? s.compensatedBy : s.compensation ? [s.compensation] : [],
      ),
    }));
    const startTypes = c.start.length ? new Set(c.start) : null;
    const instances = new Map<string, Instance>();
    const finished: string[] = [];
    let finishedHead = 0;
    const counts: Record<SagaState, number> = {
      running: 0,
      completed: 0,
      compensating: 0,
      compensated: 0,
      failed: 0,
    };
    let late = 0;
    let log: SagaLogWriter = new SagaLogWriter(null, ctx.id);

    const setState = (inst: Instance, s: SagaState) => {
      counts[inst.state]--;
      inst.state = s;
      counts[s]++;
    };

    const wait = (inst: Instance, kind: 'step' | 'comp', timeout: number) => {
      inst.waiting = kind;
      inst.token++;
      if (timeout > 0) ctx.schedule(timeout, TIMEOUT, null, { inst, token: inst.token });
    };

    /** A command for the instance, derived from its starting message. */
    const command = (inst: Instance, step: Step, type: string): Message | null => {
      const start = inst.start!;
      let payload = start.payload;
      if (step.payload.fields.length) {
        try {
          payload = step.payload.evaluate(start.payload, start.type, ctx.now(), start);
        } catch (e) {
          if (!(e instanceof ExpressionError)) throw e;
          log.write(inst.log, inst.id, 'StepFailed', ctx.now(), step.name, `payload: ${e.message}`);
          return null;
        }
      }
      return ctx.derive(start, {
        kind: 'command',
        type,
        payload,
        headers: { saga: ctx.id, step: step.name },
      });
    };

    const finish = (
      inst: Instance,
      s: 'completed' | 'compensated' | 'failed',
      detail: string | null = null,
    ) => {
      setState(inst, s);
      inst.waiting = null;
      inst.token++;
      inst.endedAt = ctx.now();
      log.write(
        inst.log,
        inst.id,
        s === 'completed' ? 'SagaCompleted' : s === 'compensated' ? 'SagaCompensated' : 'SagaFailed',
        ctx.now(),
        null,
        detail,
      );
      const start = inst.start!;
      inst.start = null;
      if (s === 'failed') {
        start.deadLetterDetail = detail;
        ctx.emit('failed', start, 'error');
      } else ctx.emit(s, start);
      finished.push(inst.id);
      // forget the oldest finished instances beyond the limit (their counts stay)
      while (finished.length - finishedHead > c.keepFinished) {
        const id = finished[finishedHead++];
        const old = instances.get(id);
        if (old && old.state !== 'running' && old.state !== 'compensating') instances.delete(id);
      }
      if (finishedHead > 4096 && finishedHead * 2 > finished.length) {
        finished.splice(0, finishedHead);
        finishedHead = 0;
      }
    };

    const runStep = (inst: Instance, i: number) => {
      const step = steps[i];
      inst.step = i;
      const cmd = command(inst, step, step.command);
      if (cmd === null) {
        compensate(inst);
        return;
      }
      log.write(inst.log, inst.id, 'StepStarted', ctx.now(), step.name, step.command);
      wait(inst, 'step', step.timeout);
      ctx.emit(step.name, cmd);
    };

    const nextCompensation = (inst: Instance) => {
      const i = inst.toCompensate.shift();
      if (i === undefined) {
        finish(inst, 'compensated');
        return;
      }
      const step = steps[i];
      inst.step = i;
      const cmd = command(inst, step, step.compensation!);
      if (cmd === null) {
        finish(inst, 'failed', `compensation of ${step.name} could not be built`);
        return;
      }
      log.write(inst.log, inst.id, 'CompensationStarted', ctx.now(), step.name, step.compensation);
      wait(inst, 'comp', c.compensationTimeout);
      ctx.emit(step.name, cmd);
    };

    const compensate = (inst: Instance) => {
      setState(inst, 'compensating');
      inst.waiting = null;
      inst.token++;
      inst.toCompensate = inst.done.filter((i) => steps[i].compensation !== null).reverse();
      nextCompensation(inst);
    };

    const onReply = (msg: Message) => {
      const inst = instances.get(msg.correlationId);
      ctx.complete(msg);
      if (inst === undefined || inst.waiting === null) {
        late++;
        return;
      }
      const step = steps[inst.step];
      const failed = msg.deadLetterReason !== null;
      const now = ctx.now();
      if (inst.waiting === 'step') {
        const isFailure =
          step.failedBy.has(msg.type) ||
          (failed && (step.completedBy.has(msg.type) || msg.type === step.command));
        if (isFailure) {
          log.write(
            inst.log,
            inst.id,
            'StepFailed',
            now,
            step.name,
            msg.deadLetterDetail ?? msg.deadLetterReason ?? msg.type,
          );
          compensate(inst);
        } else if (step.completedBy.has(msg.type)) {
          log.write(inst.log, inst.id, 'StepCompleted', now, step.name, msg.type);
          inst.done.push(inst.step);
          if (inst.step + 1 < steps.length) runStep(inst, inst.step + 1);
          else finish(inst, 'completed');
        } else late++;
        return;
      }
      if (!step.compensatedBy.has(msg.type) && msg.type !== step.compensation) {
        late++;
        return;
      }
      if (failed) {
        log.write(
          inst.log,
          inst.id,
          'CompensationFailed',
          now,
          step.name,
          msg.deadLetterDetail ?? msg.deadLetterReason,
        );
        finish(inst, 'failed', `compensation of ${step.name} failed`);
        return;
      }
      log.write(inst.log, inst.id, 'CompensationCompleted', now, step.name, msg.type);
      nextCompensation(inst);
    };

    const summary = (inst: Instance) => ({
      id: inst.id,
      state: inst.state,
      step: steps[inst.step]?.name ?? null,
      startedAt: inst.startedAt,
      endedAt: inst.endedAt,
    });

    return {
      start() {
        if (c.store !== undefined) log = new SagaLogWriter(resolveStore(ctx, c.store), ctx.id);
      },
      onMessage(msg, port) {
        if (port === 'replies') {
          onReply(msg);
          return;
        }
        if (startTypes !== null && !startTypes.has(msg.type)) {
          msg.deadLetterDetail = `${msg.type} does not start this saga`;
          ctx.drop(msg, 'filtered');
          return;
        }
        const prev = instances.get(msg.correlationId);
        if (prev && (prev.state === 'running' || prev.state === 'compensating')) {
          msg.deadLetterDetail = `saga ${msg.correlationId} is already ${prev.state}`;
          ctx.drop(msg, 'duplicate');
          return;
        }
        const inst: Instance = {
          id: msg.correlationId,
          start: msg,
          state: 'running',
          step: 0,
          waiting: null,
          token: 0,
          done: [],
          toCompensate: [],
          log: [],
          startedAt: ctx.now(),
          endedAt: null,
        };
        instances.set(inst.id, inst);
        counts.running++;
        log.write(inst.log, inst.id, 'SagaStarted', ctx.now(), null, msg.type);
        runStep(inst, 0);
      },
      onTimer(tag, _msg, data) {
        if (tag !== TIMEOUT) return;
        const { inst, token } = data as { inst: Instance; token: number };
        if (inst.token !== token || inst.waiting === null) return;
        const step = steps[inst.step];
        if (inst.waiting === 'step') {
          log.write(
            inst.log,
            inst.id,
            'StepTimedOut',
            ctx.now(),
            step.name,
            `no reply in ${step.timeout} ms`,
          );
          if (c.compensateTimedOut) inst.done.push(inst.step);
          compensate(inst);
          return;
        }
        log.write(
          inst.log,
          inst.id,
          'CompensationFailed',
          ctx.now(),
          step.name,
          `no reply in ${c.compensationTimeout} ms`,
        );
        finish(inst, 'failed', `compensation of ${step.name} timed out`);
      },
      held: () => counts.running + counts.compensating,
      view: () => ({ figures: { ...counts, late } }),
      action(name, args) {
        switch (name) {
          case 'instances': {
            const state = typeof args.state === 'string' ? args.state : null;
            const offset = typeof args.offset === 'number' ? Math.max(0, Math.floor(args.offset)) : 0;
            const limit =
              typeof args.limit === 'number' ? Math.min(1000, Math.max(1, Math.floor(args.limit))) : 100;
            const all = [...instances.values()].filter((i) => state === null || i.state === state);
            all.reverse(); // newest first
            return {
              total: all.length,
              counts: { ...counts },
              late,
              states: SAGA_STATES,
              items: all.slice(offset, offset + limit).map(summary),
            };
          }
          case 'timeline': {
            const inst = instances.get(String(args.id));
            if (!inst) return null;
            return {
              ...summary(inst),
              steps: steps.map((s) => ({ name: s.name, command: s.command, compensation: s.compensation })),
              log: inst.log,
            };
          }
          case 'stats':
            return { counts: { ...counts }, late };
          default:
            throw new Error(`saga orchestrator: unknown action "${name}"`);
        }
      },
    };
  },
};
