/**
 * A declarative aggregate, compiled from a command handler's config: an initial state; per command type,
 * guards that reject with a reason and the events to emit; per event type, how the state changes. Guards
 * and emitted fields see `payload.state` and `payload.command`; state changes see `payload.state` and
 * `payload.event`. Every field of one change is computed from the state before it.
 *
 * @example
 * const agg = compileAggregate('bank', {
 *   initialState: { balance: 0 },
 *   commands: [{ type: 'Withdraw', guards: [{ require: 'payload.state.balance >= payload.command.amount', reason: 'insufficient funds' }],
 *                emit: [{ type: 'Withdrawn', payload: { amount: 'payload.command.amount' }, schemaVersion: 1 }] }],
 *   apply: [{ event: 'Withdrawn', set: { balance: 'payload.state.balance - payload.event.amount' }, unset: [] }],
 * });
 * agg.decide({ balance: 3 }, withdraw5, 0); // { ok: false, reason: 'insufficient funds' }
 */
import type { JsonValue } from '../../model/message';
import type { ReadEvent } from '../../model/kinds/eventSourcing';
import { ExpressionError, type CompiledExpression, type MessageLike } from '../expressions';
import type { AggregateState, Reducer } from './EventStoreModel';
import { compileExpr, ExpressionMap, newHolder } from './expr';

/** The aggregate part of a command handler's config. */
export interface AggregateSpec {
  initialState: Record<string, JsonValue>;
  commands: readonly {
    type: string;
    guards: readonly { require: string; reason: string }[];
    emit: readonly { type: string; payload: Record<string, string>; schemaVersion: number }[];
  }[];
  apply: readonly { event: string; set: Record<string, string>; unset: readonly string[] }[];
}

/** An event a decision emits (before it has an id, version or position). */
export interface DecidedEvent {
  type: string;
  payload: JsonValue;
  schemaVersion: number;
}

/** What the aggregate decided on a command. */
export type Decision = { ok: true; events: DecidedEvent[] } | { ok: false; reason: string };

/** A compiled aggregate: the reducer (for loads and snapshots) and the decision on commands. */
export interface CompiledAggregate {
  readonly reducer: Reducer;
  /** Whether a command type is known. */
  handles(type: string): boolean;
  decide(state: AggregateState, command: MessageLike, now: number): Decision;
  /** State changes that failed (expression errors) since the start: the field keeps its value. */
  readonly applyErrors: number;
}

interface CompiledCommand {
  guards: { expr: CompiledExpression; reason: string }[];
  emit: { type: string; payload: ExpressionMap; schemaVersion: number }[];
}

interface CompiledApply {
  set: ExpressionMap;
  unset: readonly string[];
}

/** Compiles an aggregate spec; throws naming the field of an expression that does not parse. */
export function compileAggregate(where: string, spec: AggregateSpec): CompiledAggregate {
  const commands = new Map<string, CompiledCommand>();
  spec.commands.forEach((c, i) => {
    if (commands.has(c.type)) return;
    commands.set(c.type, {
      guards: c.guards.map((g, k) => ({
        expr: compileExpr(`${where}.commands[${i}].guards[${k}].require`, g.require),
        reason: g.reason,
      })),
      emit: c.emit.map((e, k) => ({
        type: e.type,
        payload: new ExpressionMap(`${where}.commands[${i}].emit[${k}].payload`, e.payload),
        schemaVersion: e.schemaVersion,
      })),
    });
  });
  const applies = new Map<string, CompiledApply>();
  spec.apply.forEach((a, i) => {
    if (!applies.has(a.event))
      applies.set(a.event, { set: new ExpressionMap(`${where}.apply[${i}].set`, a.set), unset: a.unset });
  });
  const initial = JSON.stringify(spec.initialState);
  const holder = newHolder('command');
  let applyErrors = 0;

  const reducer: Reducer = {
    initial: () => JSON.parse(initial) as AggregateState,
    apply(state, e: ReadEvent) {
      const rule = applies.get(e.type);
      if (rule === undefined) return state;
      const next: AggregateState = { ...state };
      try {
        rule.set.evaluateInto(next, { state, event: e.payload }, e.type, e.time);
      } catch (err) {
        if (!(err instanceof ExpressionError)) throw err;
        applyErrors++;
        return state;
      }
      for (const f of rule.unset) delete next[f];
      return next;
    },
  };

  return {
    reducer,
    get applyErrors() {
      return applyErrors;
    },
    handles: (type) => commands.has(type),
    decide(state, command, now) {
      const c = commands.get(command.type);
      if (c === undefined) return { ok: false, reason: `unknown command type "${command.type}"` };
      holder.id = command.id;
      holder.correlationId = command.correlationId;
      holder.type = command.type;
      holder.headers = command.headers as Record<string, string>;
      holder.payload = { state, command: command.payload };
      const ctx = { now };
      try {
        for (const g of c.guards) if (!g.expr.test(holder, ctx)) return { ok: false, reason: g.reason };
        const events = c.emit.map((e) => ({
          type: e.type,
          payload: e.payload.evaluate({ state, command: command.payload }, command.type, now, command),
          schemaVersion: e.schemaVersion,
        }));
        return { ok: true, events };
      } catch (err) {
        if (!(err instanceof ExpressionError)) throw err;
        return { ok: false, reason: `expression error: ${err.message}` };
      }
    },
  };
}
