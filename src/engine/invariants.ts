/**
 * Live invariants: guarantees from the topology's `invariants` list, checked while the run goes, from the
 * same hops the trace records (every hop, not only the sampled ones), by a checker per invariant that the
 * monitor calls at the hops it watches. A violation is found the moment it happens (exactly-once, order)
 * or the moment a conversation ends without reaching its destination (no-loss); a latency bound is judged
 * on the histogram so far. `results()` can be read at any time; the run report carries them at the end,
 * and the headless runner exits non-zero when one fails.
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
 * src/model/faults.ts, a subclass of {@link Checker} (it names the nodes whose arrivals and departures it
 * watches, and whether it watches the end of every journey) and its factory in `CHECKERS` below. Checkers
 * are classes, not objects of closures, so that a call site in the monitor sees one method per kind of
 * invariant, run after run, and the compiler can inline it; a new closure per run would make every
 * call site megamorphic.
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
 * The checker of one invariant. `node` is a node index. The monitor calls `arrived` and `left` for the
 * nodes in `arrivalsAt` and `departuresAt`, and, when `watchesEnds` is set, `ended` for every message
 * whose journey ends anywhere (completed, dropped, stored in a dead-letter channel, merged), with the
 * number of messages of its conversation still alive after it.
 */
export abstract class Checker {
  arrivalsAt: readonly number[] = [];
  departuresAt: readonly number[] = [];
  watchesEnds = false;
  arrived(_node: number, _m: Message, _now: number): void {}
  left(_node: number, _m: Message, _outcome: number, _reason: DeadLetterReason | null, _now: number): void {}
  ended(_node: number, _m: Message, _outcome: number, _reason: DeadLetterReason | null, _now: number, _alive: number): void {}
  abstract result(now: number): InvariantResult;
}

/** What a checker factory gets. */
export interface CheckerContext {
  sim: Simulation;
  /** Index of a node by id (validated to exist). */
  node(id: string): number;
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

class NoLoss extends Checker {
  private readonly from: number;
  private readonly to: number;
  // conversations that left `from` and have not reached `to`: OPEN, or OPEN_BAD with the first bad end kept
  private readonly state = new SeqTable();
  private readonly bad = new Map<number, InvariantViolation>();
  private readonly v = new Violations();
  private checked = 0;
  private pending = 0;

  constructor(
    private readonly inv: Extract<Invariant, { kind: 'no-loss' }>,
    private readonly c: CheckerContext,
  ) {
    super();
    this.from = c.node(inv.from);
    this.to = c.node(inv.to);
    this.arrivalsAt = [this.to];
    this.departuresAt = [this.from];
    this.watchesEnds = true;
  }

  override arrived(node: number, m: Message): void {
    if (node !== this.to) return;
    const s = this.state.get(m.root);
    if (s === 0) return;
    this.state.set(m.root, 0);
    this.pending--;
    if (s === OPEN_BAD) this.bad.delete(m.root);
  }

  override left(node: number, m: Message, outcome: number): void {
    if (node === this.from && outcome === Outcome.Forwarded && this.state.get(m.root) === 0) {
      this.state.set(m.root, OPEN);
      this.checked++;
      this.pending++;
    }
  }

  override ended(node: number, m: Message, outcome: number, reason: DeadLetterReason | null, now: number, alive: number): void {
    const s = this.state.get(m.root);
    if (s === 0) return;
    if (s === OPEN) {
      let detail: string | null = null;
      const at = this.c.sim.nodes[node].id;
      if (outcome === Outcome.Dropped && reason !== null && FAULT_REASONS.has(reason)) {
        detail = `dropped (${reason}) at "${at}"${m.deadLetterDetail ? ': ' + m.deadLetterDetail : ''}`;
      } else if (outcome === Outcome.Completed && node !== this.to) detail = `completed at "${at}" without reaching "${this.inv.to}"`;
      if (detail !== null) {
        this.state.set(m.root, OPEN_BAD);
        this.bad.set(m.root, { message: m.id, at: now, detail });
      }
    }
    // a conversation with nothing alive is over
    if (alive === 0) {
      this.state.set(m.root, 0);
      this.pending--;
      const b = this.bad.get(m.root);
      if (b !== undefined) {
        this.bad.delete(m.root);
        this.v.add(b);
      }
    }
  }

  result(): InvariantResult {
    return { ...base(this.inv, [this.inv.from, this.inv.to], this.v, this.checked), pending: this.pending };
  }
}

/** A map that forgets its oldest entries beyond `cap` (insertion order). */
function boundedSet<V>(map: Map<MessageKey, V>, key: MessageKey, value: V, cap: number): void {
  map.set(key, value);
  if (map.size > cap) map.delete(map.keys().next().value!);
}

class ExactlyOnce extends Checker {
  private readonly at: number;
  private readonly v = new Violations();
  private checked = 0;
  /** With `key: "id"` (ids are `m<seq>`): one bit per seq, every id remembered. */
  private readonly seenIds: SeqBits | null = null;
  /** Otherwise the key expression, and the first message of each key (up to `window` keys). */
  private readonly keyOf: KeyOf | null = null;
  private readonly seen = new Map<MessageKey, string>();

  constructor(private readonly inv: Extract<Invariant, { kind: 'exactly-once' }>, c: CheckerContext) {
    super();
    this.at = c.node(inv.at);
    this.departuresAt = [this.at];
    if (inv.key.trim() === 'id') this.seenIds = new SeqBits();
    else this.keyOf = compileKey(inv.key, `invariant "${inv.id}"`);
  }

  // processed: left by a success port or completed
  override left(node: number, m: Message, outcome: number, _reason: DeadLetterReason | null, now: number): void {
    if (node !== this.at || (outcome !== Outcome.Forwarded && outcome !== Outcome.Completed)) return;
    if (this.seenIds !== null) {
      this.checked++;
      if (this.seenIds.testAndAdd(m.seq)) this.v.add({ message: m.id, at: now, key: m.id, detail: `processed again at "${this.inv.at}" (first as ${m.id})` });
      return;
    }
    const k = this.keyOf!(m);
    if (k === null) return;
    this.checked++;
    const first = this.seen.get(k);
    if (first !== undefined) this.v.add({ message: m.id, at: now, key: k, detail: `processed again at "${this.inv.at}" (first as ${first})` });
    else boundedSet(this.seen, k, m.id, this.inv.window);
  }

  result(): InvariantResult {
    return base(this.inv, [this.inv.at], this.v, this.checked);
  }
}

// whole-number keys below this (customer 1‥100, a partition) are kept in a table: an array access, not a
// hash lookup
const SMALL_KEYS = 4096;

class OrderPerKey extends Checker {
  private readonly at: number;
  private readonly keyOf: KeyOf;
  /** The sequence expression; null: the order in which conversations started (the root's seq). */
  private readonly seqOf: KeyOf | null;
  /** The highest sequence seen per key, in a box so that a key costs one lookup per arrival. */
  private readonly last = new Map<MessageKey, { seq: number }>();
  private readonly small = new Float64Array(SMALL_KEYS).fill(-Infinity);
  private readonly v = new Violations();
  private checked = 0;

  constructor(private readonly inv: Extract<Invariant, { kind: 'order-per-key' }>, c: CheckerContext) {
    super();
    this.at = c.node(inv.at);
    this.arrivalsAt = [this.at];
    this.keyOf = compileKey(inv.key, `invariant "${inv.id}"`);
    this.seqOf = inv.sequence !== undefined ? compileKey(inv.sequence, `invariant "${inv.id}" (sequence)`) : null;
  }

  override arrived(node: number, m: Message, now: number): void {
    if (node !== this.at) return;
    const k = this.keyOf(m);
    const s = this.seqOf === null ? m.root : Number(this.seqOf(m));
    if (k === null || !Number.isFinite(s)) return;
    this.checked++;
    if (typeof k === 'number' && k >= 0 && k < SMALL_KEYS && (k | 0) === k) {
      const prev = this.small[k];
      if (s < prev) this.late(m, now, k, s, prev);
      else this.small[k] = s;
      return;
    }
    const prev = this.last.get(k);
    if (prev === undefined) boundedSet(this.last, k, { seq: s }, 1_000_000);
    else if (s < prev.seq) this.late(m, now, k, s, prev.seq);
    else prev.seq = s;
  }

  private late(m: Message, now: number, k: MessageKey, s: number, prev: number): void {
    this.v.add({ message: m.id, at: now, key: k, detail: `sequence ${s} arrived after ${prev}` });
  }

  result(): InvariantResult {
    return base(this.inv, [this.inv.at], this.v, this.checked);
  }
}

class Latency extends Checker {
  private readonly at: number;
  private readonly h = new Histogram();
  private readonly over: InvariantViolation[] = [];
  private overCount = 0;

  constructor(private readonly inv: Extract<Invariant, { kind: 'latency' }>, c: CheckerContext) {
    super();
    this.at = c.node(inv.at);
    // end to end: creation → arrival at X; at the node: arrival → departure
    if (inv.measure === 'end-to-end') this.arrivalsAt = [this.at];
    else this.departuresAt = [this.at];
  }

  override arrived(node: number, m: Message, now: number): void {
    if (node === this.at) this.record(m, now - m.createdAt, now);
  }

  override left(node: number, m: Message, _outcome: number, _reason: DeadLetterReason | null, now: number): void {
    if (node === this.at) this.record(m, now - m.arrivedAt, now);
  }

  private record(m: Message, value: number, now: number): void {
    this.h.record(value);
    if (value > this.inv.under) {
      this.overCount++;
      if (this.over.length < FIRST) this.over.push({ message: m.id, at: now, detail: `${value.toFixed(1)} ms > ${this.inv.under} ms` });
    }
  }

  result(): InvariantResult {
    const inv = this.inv;
    const observed = this.h.quantile(inv.percentile / 100);
    const ok = this.h.count === 0 || observed <= inv.under;
    return {
      id: inv.id,
      kind: inv.kind,
      ...(inv.label !== undefined ? { label: inv.label } : {}),
      ok,
      violations: ok ? 0 : this.overCount,
      checked: this.h.count,
      observed,
      first: ok ? [] : this.over,
      nodes: [inv.at],
    };
  }
}

/** Checker factories by kind: the extension point for new kinds of invariant. */
export const CHECKERS: { [K in InvariantKind]: (inv: Extract<Invariant, { kind: K }>, c: CheckerContext) => Checker } = {
  'no-loss': (inv, c) => new NoLoss(inv, c),
  'exactly-once': (inv, c) => new ExactlyOnce(inv, c),
  'order-per-key': (inv, c) => new OrderPerKey(inv, c),
  latency: (inv, c) => new Latency(inv, c),
};

/** Runs the invariants of a topology. */
export class InvariantMonitor {
  private readonly checkers: Checker[] = [];
  /** Checkers to call per node index (null when none watches the node). */
  private readonly onArrive: (Checker[] | null)[];
  private readonly onLeave: (Checker[] | null)[];
  /** Checkers that watch every end of a journey (no-loss). */
  private readonly onEnd: Checker[] = [];
  /** Live messages per conversation root, kept when a checker watches the ends of journeys (else null). */
  private readonly aliveRoots: SeqTable | null = null;

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
    };
    const add = (lists: (Checker[] | null)[], i: number, checker: Checker) => {
      const list = (lists[i] ??= []);
      if (!list.includes(checker)) list.push(checker);
    };
    for (const spec of specs) {
      const inv = invariantSchema.parse(spec);
      const make = CHECKERS[inv.kind] as (i: Invariant, c: CheckerContext) => Checker;
      const checker = make(inv, ctx);
      this.checkers.push(checker);
      // where the simulation calls the monitor
      for (const i of checker.arrivalsAt) {
        add(this.onArrive, i, checker);
        sim.hookAt[i] |= HOOK_ARRIVED;
      }
      for (const i of checker.departuresAt) {
        add(this.onLeave, i, checker);
        sim.hookAt[i] |= HOOK_LEAVES;
      }
      if (checker.watchesEnds) this.onEnd.push(checker);
    }
    if (this.onEnd.length > 0) {
      // every end of a journey comes here; births are counted by the simulation itself (see
      // Simulation.aliveRoots), copies a fault makes by `created`
      sim.hookEnds = true;
      this.aliveRoots = sim.aliveRoots = new SeqTable();
    }
  }

  /** A message arrived at a node. */
  arrived(node: number, m: Message): void {
    const list = this.onArrive[node];
    if (list !== null) for (let i = 0; i < list.length; i++) list[i].arrived(node, m, this.sim.now);
  }

  /** A message was born outside `createMessage` and `derive` (a fault's copy), which count theirs in `Simulation.aliveRoots`. */
  created(m: Message): void {
    if (this.aliveRoots !== null) this.aliveRoots.add(m.root, 1);
  }

  /** A message left a node with an outcome. */
  left(node: number, m: Message, outcome: number, reason: DeadLetterReason | null): void {
    const now = this.sim.now;
    const list = this.onLeave[node];
    if (list !== null) for (let i = 0; i < list.length; i++) list[i].left(node, m, outcome, reason, now);
    const alive = this.aliveRoots;
    if (alive === null || ENDS_JOURNEY[outcome] === 0) return;
    if (outcome === Outcome.Reprocessed) {
      alive.add(m.root, 1);
      return;
    }
    let left = alive.add(m.root, -1);
    if (left < 0) {
      alive.set(m.root, 0);
      left = 0;
    }
    const ends = this.onEnd;
    for (let i = 0; i < ends.length; i++) ends[i].ended(node, m, outcome, reason, now, left);
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
