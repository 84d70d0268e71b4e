/**
 * Live invariants: guarantees from the topology's `invariants` list, checked while the run goes, from the
 * same hops the trace records (every hop, not only the sampled ones). A violation is found the moment it
 * happens (exactly-once, order) or the moment a conversation ends without reaching its destination
 * (no-loss); a latency bound is judged on the histogram so far. `results()` can be read at any time; the run
 * report carries them at the end, and the headless runner exits non-zero when one fails.
 *
 * Kinds (see docs/topology-format.md, "Faults and invariants"):
 * - `no-loss` from A to B: every conversation (by root message) that leaves A by a success port is received
 *   at B — or ends in a dead-letter channel, or is dropped with an explicit reason. It is lost when all its
 *   messages have ended without reaching B and one of them was dropped by an injected fault (`crash`,
 *   `fault`) or completed elsewhere. Conversations still travelling are `pending`, not violations.
 * - `exactly-once` at X: no key is processed twice at X (processed = left by a success port or completed).
 * - `order-per-key` at Y: per key, messages arrive at Y in non-decreasing sequence (default: the order in
 *   which their conversations started).
 * - `latency` at X: the percentile of end-to-end latency (creation → arrival at X) or of time at X stays
 *   under the bound.
 *
 * Extension point: a new kind (such as "every saga terminates") is a schema variant in
 * src/model/faults.ts and a factory in `CHECKERS` below; a checker sees arrivals, departures and message
 * births through the three optional methods of {@link Checker}.
 */
import type { Invariant, InvariantKind, InvariantSpec } from '../model/faults';
import { invariantSchema } from '../model/faults';
import type { DeadLetterReason, Message } from '../model/message';
import { Histogram } from './histogram';
import { ENDS_JOURNEY, HOOK_ARRIVED, HOOK_LEAVES } from './hookSites';
import { compileKey, type KeyOf, type MessageKey } from './messageKey';
import { SeqBits, SeqTable } from './seqTable';
import type { Simulation } from './Simulation';
import { Outcome } from './trace';

/** One offending message of an invariant. */
export interface InvariantViolation {
  /** The message id. */
  message: string;
  /** Virtual time the violation was seen. */
  at: number;
  key?: MessageKey;
  detail: string;
}

/** The state of one invariant (the run report's `invariants[]`). */
export interface InvariantResult {
  id: string;
  kind: InvariantKind;
  label?: string;
  ok: boolean;
  violations: number;
  /** What was checked: conversations (no-loss), processed keys (exactly-once), arrivals (order, latency). */
  checked: number;
  /** no-loss: conversations still on their way — neither received at the destination nor ended. */
  pending?: number;
  /** latency: the measured percentile (ms). */
  observed?: number;
  /** The first offending messages (at most 10). */
  first: InvariantViolation[];
  /** Ids of the nodes it is about (for marks on the canvas). */
  nodes: string[];
}

/**
 * What the monitor tells a checker; `node` is a node index. `arrived` and `left` are called for the nodes
 * the invariant names; `ended` for every message whose journey ends anywhere (completed, dropped, stored in
 * a dead-letter channel, merged).
 */
export interface Checker {
  /** The nodes whose arrivals and departures it wants (default: every node the invariant names). */
  arrivalsAt?: readonly number[];
  departuresAt?: readonly number[];
  arrived?(node: number, m: Message, now: number): void;
  left?(node: number, m: Message, outcome: number, reason: DeadLetterReason | null, now: number): void;
  ended?(node: number, m: Message, outcome: number, reason: DeadLetterReason | null, now: number): void;
  result(now: number): InvariantResult;
}

/** What a checker factory gets. */
export interface CheckerContext {
  sim: Simulation;
  /** Index of a node by id (validated to exist). */
  node(id: string): number;
  /** Live messages per conversation root, kept by the monitor when a checker asks for it. */
  alive(): SeqTable;
}

const FIRST = 10;
const FAULT_REASONS: ReadonlySet<DeadLetterReason> = new Set(['crash', 'fault']);

/** Collects violations: a count and the first few. */
class Violations {
  count = 0;
  readonly first: InvariantViolation[] = [];
  add(v: InvariantViolation): void {
    this.count++;
    if (this.first.length < FIRST) this.first.push(v);
  }
}

const base = (inv: Invariant, nodes: string[], v: Violations, checked: number) => ({
  id: inv.id,
  kind: inv.kind,
  ...(inv.label !== undefined ? { label: inv.label } : {}),
  ok: v.count === 0,
  violations: v.count,
  checked,
  first: v.first,
  nodes,
});

// states of a conversation for no-loss
const OPEN = 1;
const OPEN_BAD = 2;

function noLoss(inv: Extract<Invariant, { kind: 'no-loss' }>, c: CheckerContext): Checker {
  const from = c.node(inv.from);
  const to = c.node(inv.to);
  const alive = c.alive();
  // conversations that left `from` and have not reached `to`: OPEN, or OPEN_BAD with the first bad end kept
  const state = new SeqTable();
  const bad = new Map<number, InvariantViolation>();
  const v = new Violations();
  let checked = 0;
  let pending = 0;
  return {
    arrivalsAt: [to],
    departuresAt: [from],
    arrived(node, m) {
      if (node !== to) return;
      const s = state.get(m.root);
      if (s === 0) return;
      state.set(m.root, 0);
      pending--;
      if (s === OPEN_BAD) bad.delete(m.root);
    },
    left(node, m, outcome) {
      if (node === from && outcome === Outcome.Forwarded && state.get(m.root) === 0) {
        state.set(m.root, OPEN);
        checked++;
        pending++;
      }
    },
    ended(node, m, outcome, reason, now) {
      const s = state.get(m.root);
      if (s === 0) return;
      if (s === OPEN) {
        let detail: string | null = null;
        if (outcome === Outcome.Dropped && reason !== null && FAULT_REASONS.has(reason)) {
          detail = `dropped (${reason}) at "${c.sim.nodes[node].id}"${m.deadLetterDetail ? ': ' + m.deadLetterDetail : ''}`;
        } else if (outcome === Outcome.Completed && node !== to) detail = `completed at "${c.sim.nodes[node].id}" without reaching "${inv.to}"`;
        if (detail !== null) {
          state.set(m.root, OPEN_BAD);
          bad.set(m.root, { message: m.id, at: now, detail });
        }
      }
      // the monitor has already counted this end; a conversation with nothing alive is over
      if (alive.get(m.root) === 0) {
        state.set(m.root, 0);
        pending--;
        const b = bad.get(m.root);
        if (b !== undefined) {
          bad.delete(m.root);
          v.add(b);
        }
      }
    },
    result: () => ({ ...base(inv, [inv.from, inv.to], v, checked), pending }),
  };
}

/** A map that forgets its oldest entries beyond `cap` (insertion order). */
function boundedSet<V>(map: Map<MessageKey, V>, key: MessageKey, value: V, cap: number): void {
  map.set(key, value);
  if (map.size > cap) map.delete(map.keys().next().value!);
}

function exactlyOnce(inv: Extract<Invariant, { kind: 'exactly-once' }>, c: CheckerContext): Checker {
  const at = c.node(inv.at);
  const v = new Violations();
  let checked = 0;
  if (inv.key.trim() === 'id') {
    // message ids are `m<seq>`: one bit per seq, every id remembered
    const seen = new SeqBits();
    return {
      left(node, m, outcome, _reason, now) {
        if (node !== at || (outcome !== Outcome.Forwarded && outcome !== Outcome.Completed)) return;
        checked++;
        if (seen.testAndAdd(m.seq)) v.add({ message: m.id, at: now, key: m.id, detail: `processed again at "${inv.at}" (first as ${m.id})` });
      },
      result: () => base(inv, [inv.at], v, checked),
    };
  }
  const keyOf = compileKey(inv.key, `invariant "${inv.id}"`);
  const seen = new Map<MessageKey, string>();
  return {
    left(node, m, outcome, _reason, now) {
      if (node !== at || (outcome !== Outcome.Forwarded && outcome !== Outcome.Completed)) return;
      const k = keyOf(m);
      if (k === null) return;
      checked++;
      const first = seen.get(k);
      if (first !== undefined) v.add({ message: m.id, at: now, key: k, detail: `processed again at "${inv.at}" (first as ${first})` });
      else boundedSet(seen, k, m.id, inv.window);
    },
    result: () => base(inv, [inv.at], v, checked),
  };
}

function orderPerKey(inv: Extract<Invariant, { kind: 'order-per-key' }>, c: CheckerContext): Checker {
  const at = c.node(inv.at);
  const keyOf = compileKey(inv.key, `invariant "${inv.id}"`);
  // by default the order in which conversations started: the root's seq
  const seqOf: KeyOf | null = inv.sequence !== undefined ? compileKey(inv.sequence, `invariant "${inv.id}" (sequence)`) : null;
  // the highest sequence seen per key, in a box so that a key costs one lookup per arrival; small
  // whole-number keys (customer 1‥100, a partition) in a table instead, which is an array access
  const last = new Map<MessageKey, { seq: number }>();
  const SMALL = 4096;
  const small = new Float64Array(SMALL).fill(-Infinity);
  const v = new Violations();
  let checked = 0;
  const late = (m: Message, now: number, k: MessageKey, s: number, prev: number) =>
    v.add({ message: m.id, at: now, key: k, detail: `sequence ${s} arrived after ${prev}` });
  return {
    arrived(node, m, now) {
      if (node !== at) return;
      const k = keyOf(m);
      const s = seqOf === null ? m.root : Number(seqOf(m));
      if (k === null || !Number.isFinite(s)) return;
      checked++;
      if (typeof k === 'number' && k >= 0 && k < SMALL && (k | 0) === k) {
        const prev = small[k];
        if (s < prev) late(m, now, k, s, prev);
        else small[k] = s;
        return;
      }
      const prev = last.get(k);
      if (prev === undefined) boundedSet(last, k, { seq: s }, 1_000_000);
      else if (s < prev.seq) late(m, now, k, s, prev.seq);
      else prev.seq = s;
    },
    result: () => base(inv, [inv.at], v, checked),
  };
}

function latency(inv: Extract<Invariant, { kind: 'latency' }>, c: CheckerContext): Checker {
  const at = c.node(inv.at);
  const h = new Histogram();
  const under = inv.under;
  const over: InvariantViolation[] = [];
  let overCount = 0;
  const tooSlow = (m: Message, value: number, now: number) => {
    overCount++;
    if (over.length < FIRST) over.push({ message: m.id, at: now, detail: `${value.toFixed(1)} ms > ${under} ms` });
  };
  const endToEnd = inv.measure === 'end-to-end';
  return {
    // end to end: creation → arrival at X; at the node: arrival → departure
    ...(endToEnd
      ? {
          arrived(node: number, m: Message, now: number) {
            if (node !== at) return;
            const value = now - m.createdAt;
            h.record(value);
            if (value > under) tooSlow(m, value, now);
          },
        }
      : {
          left(node: number, m: Message, _outcome: number, _reason: DeadLetterReason | null, now: number) {
            if (node !== at) return;
            const value = now - m.arrivedAt;
            h.record(value);
            if (value > under) tooSlow(m, value, now);
          },
        }),
    result() {
      const observed = h.quantile(inv.percentile / 100);
      const ok = h.count === 0 || observed <= inv.under;
      return {
        id: inv.id,
        kind: inv.kind,
        ...(inv.label !== undefined ? { label: inv.label } : {}),
        ok,
        violations: ok ? 0 : overCount,
        checked: h.count,
        observed,
        first: ok ? [] : over,
        nodes: [inv.at],
      };
    },
  };
}

/** Checker factories by kind: the extension point for new kinds of invariant. */
export const CHECKERS: { [K in InvariantKind]: (inv: Extract<Invariant, { kind: K }>, c: CheckerContext) => Checker } = {
  'no-loss': noLoss,
  'exactly-once': exactlyOnce,
  'order-per-key': orderPerKey,
  latency,
};

/** Runs the invariants of a topology. */
export class InvariantMonitor {
  private readonly checkers: Checker[] = [];
  /** Checkers to call per node index (null when none watches the node). */
  private readonly onArrive: (Checker[] | null)[];
  private readonly onLeave: (Checker[] | null)[];
  /** Checkers that watch every end of a journey (no-loss). */
  private readonly onEnd: Checker[] = [];
  private aliveRoots: SeqTable | null = null;

  /**
   * @throws Error when an invariant is invalid (a key expression that does not parse, an unknown node).
   */
  constructor(
    private readonly sim: Simulation,
    specs: readonly InvariantSpec[],
  ) {
    const n = sim.nodes.length;
    this.onArrive = new Array<Checker[] | null>(n).fill(null);
    this.onLeave = new Array<Checker[] | null>(n).fill(null);
    const ctx: CheckerContext = {
      sim,
      node: (id) => {
        const i = sim.indexOf(id);
        if (i < 0) throw new Error(`invariant: no node "${id}"`);
        return i;
      },
      alive: () => (this.aliveRoots ??= new SeqTable()),
    };
    for (const spec of specs) {
      const inv = invariantSchema.parse(spec);
      const make = CHECKERS[inv.kind] as (i: Invariant, c: CheckerContext) => Checker;
      const checker = make(inv, ctx);
      this.checkers.push(checker);
      const watched = (inv.kind === 'no-loss' ? [inv.from, inv.to] : [inv.at]).map((id) => ctx.node(id));
      const add = (lists: (Checker[] | null)[], i: number) => {
        const list = (lists[i] ??= []);
        if (!list.includes(checker)) list.push(checker);
      };
      if (checker.arrived) for (const i of checker.arrivalsAt ?? watched) add(this.onArrive, i);
      if (checker.left) for (const i of checker.departuresAt ?? watched) add(this.onLeave, i);
      if (checker.ended) this.onEnd.push(checker);
    }
    // where the simulation calls the monitor
    for (let i = 0; i < n; i++) {
      if (this.onArrive[i] !== null) sim.hookAt[i] |= HOOK_ARRIVED;
      if (this.onLeave[i] !== null) sim.hookAt[i] |= HOOK_LEAVES;
    }
    if (this.onEnd.length > 0 || this.aliveRoots !== null) sim.hookEnds = true;
    // births are counted by the simulation itself (see Simulation.aliveRoots); copies a fault makes, by `created`
    if (this.aliveRoots !== null) sim.aliveRoots = this.aliveRoots;
  }

  /** A message arrived at a node. */
  arrived(node: number, m: Message): void {
    const list = this.onArrive[node];
    if (list !== null) for (let i = 0; i < list.length; i++) list[i].arrived!(node, m, this.sim.now);
  }

  /** A message was born outside `createMessage` and `derive` (a fault's copy), which count theirs in `Simulation.aliveRoots`. */
  created(m: Message): void {
    if (this.aliveRoots !== null) this.aliveRoots.add(m.root, 1);
  }

  /** A message left a node with an outcome. */
  left(node: number, m: Message, outcome: number, reason: DeadLetterReason | null): void {
    const list = this.onLeave[node];
    if (list !== null) for (let i = 0; i < list.length; i++) list[i].left!(node, m, outcome, reason, this.sim.now);
    if (outcome !== Outcome.Reprocessed && ENDS_JOURNEY[outcome] === 1) {
      const alive = this.aliveRoots;
      if (alive !== null && alive.add(m.root, -1) < 0) alive.set(m.root, 0);
      const ends = this.onEnd;
      for (let i = 0; i < ends.length; i++) ends[i].ended!(node, m, outcome, reason, this.sim.now);
    } else if (outcome === Outcome.Reprocessed && this.aliveRoots !== null) this.aliveRoots.add(m.root, 1);
  }

  /** Every invariant's state now. */
  results(): InvariantResult[] {
    return this.checkers.map((c) => c.result(this.sim.now));
  }

  /** True when every invariant holds now. */
  ok(): boolean {
    return this.results().every((r) => r.ok);
  }
}
