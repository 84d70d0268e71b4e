/**
 * Live invariants: guarantees from the topology's `invariants` list, checked while the run goes, from the
 * same hops the trace records (every hop, not only the sampled ones). The monitor logs the hops its
 * checkers asked for (`HopLog`), and they read the log in batches of up to 1,024 hops — and whenever
 * results are asked for, so `results()` is exact at any time. A violation carries the virtual time it
 * happened (exactly-once, order), or the time a conversation ended without reaching its destination
 * (no-loss); a latency bound is judged on the histogram so far. The run report carries the results at the
 * end, and the headless runner exits non-zero when one fails.
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
 * src/model/faults.ts and a factory in `CHECKERS` below. A checker names the nodes whose arrivals and
 * departures it reads and whether it reads the end of every journey, and reads them from the log (see
 * {@link Checker}).
 */
import type { Invariant, InvariantKind, InvariantSpec } from '../model/faults';
import { invariantSchema } from '../model/faults';
import type { DeadLetterReason, Message } from '../model/message';
import { Histogram } from './histogram';
import { ENDS_JOURNEY, HOOK_ARRIVED, HOOK_LEAVES } from './hookSites';
import { compileKey, type KeyOf, type MessageKey } from './messageKey';
import { messageId } from './NodeContext';
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

// A hop's code in the log is `node << 8 | what`: `what` is a departure's `Outcome` (0–7) or `ARRIVAL`,
// with `END` added when the departure ends the message's journey.
/** `what` of an arrival. */
export const ARRIVAL = 0x40;
/** The flag of a departure that ends a message's journey (then `HopLog.alive` is set). */
export const END = 0x80;
/** The code of an arrival at `node` (`what` = `ARRIVAL`) or a departure from it (`what` = its outcome), without `END`. */
export const hopCode = (node: number, what: number): number => (node << 8) | what;
/** `what` of a hop's code. */
export const hopWhat = (code: number): number => code & 0x7f;

/**
 * The hops the monitor has seen and its checkers have not read yet, in the order they happened: arrivals
 * at the nodes the checkers watch, departures from them, and (when a checker reads them) the end of every
 * message's journey. One column per field, so logging a hop is a few array writes and a checker reads a
 * batch in a tight loop of its own. The log holds numbers and constants, not the messages: what a checker
 * needs of a message is read as the hop is logged (the times, its seq and root, and through
 * `Checker.capture` its keys), as the message may change or be gone when the batch is read.
 */
export class HopLog {
  /** Hops per batch: the checkers read the log when it is full, and whenever results are asked for. */
  static readonly CAPACITY = 1024;
  /** Hops logged (entries 0 … length − 1). */
  length = 0;
  /** What happened where: `hopCode(node, outcome or ARRIVAL)`, with `END` added for the end of a journey. */
  readonly hop = new Int32Array(HopLog.CAPACITY);
  /** Virtual time of the hop. */
  readonly time = new Float64Array(HopLog.CAPACITY);
  /** Arrival: the message's age (now − createdAt). Departure: its time at the node (now − arrivedAt). */
  readonly elapsed = new Float64Array(HopLog.CAPACITY);
  /** Set only for a hop with `END`: messages of its conversation still alive after it. */
  readonly alive = new Int32Array(HopLog.CAPACITY);
  /** The message's seq (its id is `messageId(seq)`) and its conversation's root. */
  readonly seq = new Uint32Array(HopLog.CAPACITY);
  readonly root = new Uint32Array(HopLog.CAPACITY);
  /** A departure's dead-letter reason (null for none), and, only when there is one, the message's `deadLetterDetail`. */
  readonly reason: (DeadLetterReason | null)[] = new Array<DeadLetterReason | null>(HopLog.CAPACITY).fill(null);
  readonly detail: (string | null)[] = new Array<string | null>(HopLog.CAPACITY).fill(null);
}

/**
 * A checker of one invariant. It names the nodes whose arrivals and departures it wants (node indices)
 * and whether it wants the end of every journey; the monitor logs those hops, and the checker reads them
 * in batches through `scan`, in the order they happened.
 */
export interface Checker {
  /** Nodes whose arrivals it reads. */
  arrivalsAt?: readonly number[];
  /** Nodes whose departures (every outcome) it reads. */
  departuresAt?: readonly number[];
  /**
   * Whether it reads the end of every message's journey, at any node (completed, dropped, stored in a
   * dead-letter channel, merged); the log then carries the conversation's live messages after each end.
   */
  ends?: boolean;
  /**
   * Called as a hop it reads at one of its nodes is logged, with the hop's index in the log: to read what
   * the message may no longer say when the batch is read (a key from its payload or headers).
   */
  capture?(slot: number, m: Message): void;
  /** Reads the hops logged since the last call (entries 0 … `log.length` − 1). */
  scan(log: HopLog): void;
  result(now: number): InvariantResult;
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

function noLoss(inv: Extract<Invariant, { kind: 'no-loss' }>, c: CheckerContext): Checker {
  const from = c.node(inv.from);
  const to = c.node(inv.to);
  // conversations that left `from` and have not reached `to`: OPEN, or OPEN_BAD with the first bad end kept
  const state = new SeqTable();
  const bad = new Map<number, InvariantViolation>();
  const v = new Violations();
  let checked = 0;
  let pending = 0;
  // the end of a journey (entry i of the log) in a conversation that left `from`
  const ended = (log: HopLog, i: number, root: number) => {
    const s = state.get(root);
    if (s === 0) return;
    if (s === OPEN) {
      const node = log.hop[i] >> 8;
      const outcome = hopWhat(log.hop[i]);
      const reason = log.reason[i];
      let detail: string | null = null;
      if (outcome === Outcome.Dropped && reason !== null && FAULT_REASONS.has(reason)) {
        const more = log.detail[i];
        detail = `dropped (${reason}) at "${c.sim.nodes[node].id}"${more ? ': ' + more : ''}`;
      } else if (outcome === Outcome.Completed && node !== to) detail = `completed at "${c.sim.nodes[node].id}" without reaching "${inv.to}"`;
      if (detail !== null) {
        state.set(root, OPEN_BAD);
        bad.set(root, { message: messageId(log.seq[i]), at: log.time[i], detail });
      }
    }
    // a conversation with nothing alive is over
    if (log.alive[i] === 0) {
      state.set(root, 0);
      pending--;
      const b = bad.get(root);
      if (b !== undefined) {
        bad.delete(root);
        v.add(b);
      }
    }
  };
  return {
    arrivalsAt: [to],
    departuresAt: [from],
    ends: true,
    scan(log) {
      const { hop: hops, root: roots } = log;
      const arrival = hopCode(to, ARRIVAL);
      const departure = hopCode(from, Outcome.Forwarded);
      for (let i = 0; i < log.length; i++) {
        const h = hops[i];
        if ((h & ARRIVAL) !== 0) {
          if (h !== arrival) continue;
          const root = roots[i];
          const s = state.get(root);
          if (s === 0) continue;
          state.set(root, 0);
          pending--;
          if (s === OPEN_BAD) bad.delete(root);
          continue;
        }
        if ((h & ~END) === departure) {
          const root = roots[i];
          if (state.get(root) === 0) {
            state.set(root, OPEN);
            checked++;
            pending++;
          }
        }
        if ((h & END) !== 0) ended(log, i, roots[i]);
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
  // processed: left `at` by a success port or completed there
  const forwarded = hopCode(at, Outcome.Forwarded);
  const completed = hopCode(at, Outcome.Completed);
  if (inv.key.trim() === 'id') {
    // message ids are `m<seq>`: one bit per seq, every id remembered
    const seen = new SeqBits();
    return {
      departuresAt: [at],
      scan(log) {
        const hops = log.hop;
        for (let i = 0; i < log.length; i++) {
          const h = hops[i] & ~END;
          if (h !== forwarded && h !== completed) continue;
          checked++;
          if (seen.testAndAdd(log.seq[i])) {
            const id = messageId(log.seq[i]);
            v.add({ message: id, at: log.time[i], key: id, detail: `processed again at "${inv.at}" (first as ${id})` });
          }
        }
      },
      result: () => base(inv, [inv.at], v, checked),
    };
  }
  const keyOf = compileKey(inv.key, `invariant "${inv.id}"`);
  const keys = new Array<MessageKey | null>(HopLog.CAPACITY).fill(null);
  const seen = new Map<MessageKey, string>();
  return {
    departuresAt: [at],
    capture(slot, m) {
      keys[slot] = keyOf(m);
    },
    scan(log) {
      const hops = log.hop;
      for (let i = 0; i < log.length; i++) {
        const h = hops[i] & ~END;
        if (h !== forwarded && h !== completed) continue;
        const k = keys[i];
        if (k === null) continue;
        checked++;
        const id = messageId(log.seq[i]);
        const first = seen.get(k);
        if (first !== undefined) v.add({ message: id, at: log.time[i], key: k, detail: `processed again at "${inv.at}" (first as ${first})` });
        else boundedSet(seen, k, id, inv.window);
      }
    },
    result: () => base(inv, [inv.at], v, checked),
  };
}

function orderPerKey(inv: Extract<Invariant, { kind: 'order-per-key' }>, c: CheckerContext): Checker {
  const at = c.node(inv.at);
  const keyOf = compileKey(inv.key, `invariant "${inv.id}"`);
  // by default the order in which conversations started: the root's seq
  const seqOf: KeyOf | null = inv.sequence !== undefined ? compileKey(inv.sequence, `invariant "${inv.id}" (sequence)`) : null;
  // key and sequence of each arrival in the log, read as it arrives
  const keys = new Array<MessageKey | null>(HopLog.CAPACITY).fill(null);
  const seqs = new Float64Array(HopLog.CAPACITY);
  // the highest sequence seen per key, in a box so that a key costs one lookup per arrival; small
  // whole-number keys (customer 1‥100, a partition) in a table instead, which is an array access
  const last = new Map<MessageKey, { seq: number }>();
  const SMALL = 4096;
  const small = new Float64Array(SMALL).fill(-Infinity);
  const v = new Violations();
  let checked = 0;
  const late = (log: HopLog, i: number, k: MessageKey, s: number, prev: number) =>
    v.add({ message: messageId(log.seq[i]), at: log.time[i], key: k, detail: `sequence ${s} arrived after ${prev}` });
  return {
    arrivalsAt: [at],
    capture(slot, m) {
      keys[slot] = keyOf(m);
      if (seqOf !== null) seqs[slot] = Number(seqOf(m));
    },
    scan(log) {
      const hops = log.hop;
      const arrival = hopCode(at, ARRIVAL);
      for (let i = 0; i < log.length; i++) {
        if (hops[i] !== arrival) continue;
        const k = keys[i];
        const s = seqOf === null ? log.root[i] : seqs[i];
        if (k === null || !Number.isFinite(s)) continue;
        checked++;
        if (typeof k === 'number' && k >= 0 && k < SMALL && (k | 0) === k) {
          const prev = small[k];
          if (s < prev) late(log, i, k, s, prev);
          else small[k] = s;
          continue;
        }
        const prev = last.get(k);
        if (prev === undefined) boundedSet(last, k, { seq: s }, 1_000_000);
        else if (s < prev.seq) late(log, i, k, s, prev.seq);
        else prev.seq = s;
      }
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
  // end to end: creation → arrival at X (the arrival's `elapsed`); at the node: arrival → departure
  const endToEnd = inv.measure === 'end-to-end';
  return {
    ...(endToEnd ? { arrivalsAt: [at] } : { departuresAt: [at] }),
    scan(log) {
      const { hop: hops, elapsed } = log;
      const arrival = hopCode(at, ARRIVAL);
      for (let i = 0; i < log.length; i++) {
        const code = hops[i];
        if (endToEnd ? code !== arrival : code >> 8 !== at || (code & ARRIVAL) !== 0) continue;
        const value = elapsed[i];
        h.record(value);
        if (value > under) {
          overCount++;
          if (over.length < FIRST) over.push({ message: messageId(log.seq[i]), at: log.time[i], detail: `${value.toFixed(1)} ms > ${under} ms` });
        }
      }
    },
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

/**
 * Runs the invariants of a topology. The simulation tells it of hops at the sites its checkers asked for;
 * it logs them (`HopLog`) and the checkers read the log in batches: when it is full, and before any result
 * is read. So a violation carries the time it happened, and is seen by the next `results()`.
 */
export class InvariantMonitor {
  private readonly checkers: Checker[] = [];
  private readonly log = new HopLog();
  /** Per node index: whether a checker reads departures there. */
  private readonly departures: Uint8Array;
  /** Per node index: the checkers that capture from arrivals / departures there (null: none). */
  private readonly captureArrivals: (Checker[] | null)[];
  private readonly captureDepartures: (Checker[] | null)[];
  /** Live messages per conversation root, when a checker reads the ends of journeys (else null). */
  private readonly aliveRoots: SeqTable | null = null;

  /**
   * @throws Error when an invariant is invalid (a key expression that does not parse, an unknown node).
   */
  constructor(
    private readonly sim: Simulation,
    specs: readonly InvariantSpec[],
  ) {
    const n = sim.nodes.length;
    this.departures = new Uint8Array(n);
    this.captureArrivals = new Array<Checker[] | null>(n).fill(null);
    this.captureDepartures = new Array<Checker[] | null>(n).fill(null);
    const ctx: CheckerContext = {
      sim,
      node: (id) => {
        const i = sim.indexOf(id);
        if (i < 0) throw new Error(`invariant: no node "${id}"`);
        return i;
      },
    };
    let ends = false;
    for (const spec of specs) {
      const inv = invariantSchema.parse(spec);
      const make = CHECKERS[inv.kind] as (i: Invariant, c: CheckerContext) => Checker;
      const checker = make(inv, ctx);
      this.checkers.push(checker);
      for (const i of checker.arrivalsAt ?? []) {
        sim.hookAt[i] |= HOOK_ARRIVED;
        if (checker.capture) (this.captureArrivals[i] ??= []).push(checker);
      }
      for (const i of checker.departuresAt ?? []) {
        sim.hookAt[i] |= HOOK_LEAVES;
        this.departures[i] = 1;
        if (checker.capture) (this.captureDepartures[i] ??= []).push(checker);
      }
      if (checker.ends) ends = true;
    }
    if (ends) {
      // every end of a journey comes here; births are counted by the simulation itself (see
      // Simulation.aliveRoots), copies a fault makes by `created`
      sim.hookEnds = true;
      this.aliveRoots = sim.aliveRoots = new SeqTable();
    }
  }

  /** Appends a hop to the log (reading it first when full); returns its index. */
  private append(hop: number, m: Message, elapsed: number): number {
    const log = this.log;
    let i = log.length;
    if (i === HopLog.CAPACITY) {
      this.flush();
      i = 0;
    }
    log.hop[i] = hop;
    log.time[i] = this.sim.now;
    log.elapsed[i] = elapsed;
    log.seq[i] = m.seq;
    log.root[i] = m.root;
    log.length = i + 1;
    return i;
  }

  /** The checkers read the hops logged so far. */
  private flush(): void {
    const log = this.log;
    if (log.length === 0) return;
    const checkers = this.checkers;
    for (let k = 0; k < checkers.length; k++) checkers[k].scan(log);
    log.length = 0;
  }

  /** A message arrived at a node (one whose arrivals a checker reads). */
  arrived(node: number, m: Message): void {
    const i = this.append(hopCode(node, ARRIVAL), m, this.sim.now - m.createdAt);
    const capture = this.captureArrivals[node];
    if (capture !== null) for (let k = 0; k < capture.length; k++) capture[k].capture!(i, m);
  }

  /** A message was born outside `createMessage` and `derive` (a fault's copy), which count theirs in `Simulation.aliveRoots`. */
  created(m: Message): void {
    if (this.aliveRoots !== null) this.aliveRoots.add(m.root, 1);
  }

  /** A message left a node with an outcome (at a node whose departures a checker reads, or ending its journey). */
  left(node: number, m: Message, outcome: number, reason: DeadLetterReason | null): void {
    let alive = -1;
    const roots = this.aliveRoots;
    if (roots !== null && ENDS_JOURNEY[outcome] === 1) {
      if (outcome === Outcome.Reprocessed) roots.add(m.root, 1);
      else {
        alive = roots.add(m.root, -1);
        if (alive < 0) {
          roots.set(m.root, 0);
          alive = 0;
        }
      }
    }
    if (alive < 0 && this.departures[node] === 0) return;
    const i = this.append(alive < 0 ? hopCode(node, outcome) : hopCode(node, outcome) | END, m, this.sim.now - m.arrivedAt);
    const log = this.log;
    if (alive >= 0) log.alive[i] = alive;
    log.reason[i] = reason;
    if (reason !== null) log.detail[i] = m.deadLetterDetail;
    const capture = this.captureDepartures[node];
    if (capture !== null) for (let k = 0; k < capture.length; k++) capture[k].capture!(i, m);
  }

  /** Every invariant's state now. */
  results(): InvariantResult[] {
    this.flush();
    return this.checkers.map((c) => c.result(this.sim.now));
  }

  /** True when every invariant holds now. */
  ok(): boolean {
    return this.results().every((r) => r.ok);
  }
}
