/**
 * Circuit breaker (resilience4j semantics): decorates a simulated downstream call, so it knows each
 * call's outcome and duration exactly. Each message is one call: it takes a drawn duration and fails with
 * the configured probability (plus any injected error rate; an injected slow-down stretches it); a call
 * still running at `timeout` fails then. A call longer than `slowCallDurationThreshold` is slow.
 *
 * - CLOSED: calls pass; outcomes go into a count-based window (the last N calls) or a time-based one (the
 *   calls of the last T ms, in buckets of min(1 s, T/10)). Once the window holds `minimumNumberOfCalls`
 *   (capped at N for a count-based window) and the failure rate or slow-call rate reaches its threshold,
 *   the breaker opens.
 * - OPEN: calls are rejected (counted) and take the fallback. After `waitDurationInOpenState` it turns
 *   half-open, by itself (`automaticTransitionFromOpenToHalfOpen`) or at the first call after the wait.
 * - HALF_OPEN: `permittedNumberOfCallsInHalfOpenState` probes pass, further calls are rejected. When
 *   min(minimumNumberOfCalls, probes) probes have completed, their rates decide: above a threshold it
 *   reopens, else it closes with an empty window (no calls counted).
 *
 * Outcomes of calls that started before the last transition are counted in the totals but not in the
 * window (resilience4j would record them into the new state's window; here a probe is a probe).
 * Transitions are kept in a bounded log (the `transitions` action; `view()` shows the state word).
 * A crash loses the calls in flight and the window (volatile); the breaker restarts closed.
 */
import type { z } from 'zod';
import type { circuitBreakerConfig } from '../../model/kinds/reliability';
import type { DeadLetterReason, Message } from '../../model/message';
import { Deque } from '../Deque';
import { compileDistribution } from '../distributions';
import { NO_NODE_FAULTS, type FaultAwareBehavior, type NodeFaultState } from '../faults';
import type { NodeContext, NodeView, PatternDefinition } from '../pattern';

type Config = z.output<typeof circuitBreakerConfig>;

/** Breaker states, as `view().state` shows them. */
export type BreakerState = 'closed' | 'open' | 'half-open';

/** One state transition, as the `transitions` action lists it. */
export interface BreakerTransition {
  at: number;
  from: BreakerState;
  to: BreakerState;
  /** Failure rate (%) of the window that decided it, or -1 (below the minimum number of calls). */
  failureRate: number;
  slowCallRate: number;
  /** Calls in that window (count). */
  calls: number;
}

const OK = 0;
const FAILED = 1;
const TIMED_OUT = 2;
const HALF_OPEN_TIMER = 3;
const SLOW_BIT = 2;
const TRANSITIONS_KEPT = 1000;

/** A sliding window of call outcomes: totals of calls, failures and slow calls. */
export interface OutcomeWindow {
  total: number;
  failed: number;
  slow: number;
  record(failed: boolean, slow: boolean, now: number): void;
  /** Brings a time-based window up to `now` (older buckets fall out). */
  advance(now: number): void;
  reset(): void;
}

/** The last `size` outcomes. */
export function countWindow(size: number): OutcomeWindow {
  const ring = new Uint8Array(size);
  let pos = 0;
  let filled = 0;
  const w: OutcomeWindow = {
    total: 0,
    failed: 0,
    slow: 0,
    record(failed, slow) {
      if (filled === size) {
        const old = ring[pos];
        w.failed -= old & 1;
        w.slow -= (old & SLOW_BIT) >> 1;
      } else {
        filled++;
        w.total++;
      }
      ring[pos] = (failed ? 1 : 0) | (slow ? SLOW_BIT : 0);
      w.failed += failed ? 1 : 0;
      w.slow += slow ? 1 : 0;
      pos = (pos + 1) % size;
    },
    advance() {},
    reset() {
      ring.fill(0);
      pos = filled = w.total = w.failed = w.slow = 0;
    },
  };
  return w;
}

/** The outcomes of the last `duration` ms, in buckets of min(1000, duration / 10) ms. */
export function timeWindow(duration: number): OutcomeWindow {
  const bucketMs = Math.min(1000, duration / 10);
  const n = Math.ceil(duration / bucketMs - 1e-9);
  const totals = new Float64Array(n);
  const fails = new Float64Array(n);
  const slows = new Float64Array(n);
  let head = 0; // epoch (bucket number) of the newest bucket
  const w: OutcomeWindow = {
    total: 0,
    failed: 0,
    slow: 0,
    advance(now) {
      const b = Math.floor(now / bucketMs);
      if (b <= head) return;
      const steps = Math.min(b - head, n);
      for (let k = 1; k <= steps; k++) {
        const s = (head + k) % n;
        w.total -= totals[s];
        w.failed -= fails[s];
        w.slow -= slows[s];
        totals[s] = fails[s] = slows[s] = 0;
      }
      head = b;
    },
    record(failed, slow, now) {
      w.advance(now);
      const s = head % n;
      totals[s]++;
      w.total++;
      if (failed) {
        fails[s]++;
        w.failed++;
      }
      if (slow) {
        slows[s]++;
        w.slow++;
      }
    },
    reset() {
      totals.fill(0);
      fails.fill(0);
      slows.fill(0);
      w.total = w.failed = w.slow = 0;
    },
  };
  return w;
}

export const circuitBreaker: PatternDefinition = {
  kind: 'circuit-breaker',
  create(ctx: NodeContext<Config>): FaultAwareBehavior {
    const c = ctx.config;
    const duration = compileDistribution(c.call.serviceTime);
    const closedWindow = c.slidingWindowType === 'count-based' ? countWindow(c.slidingWindowSize) : timeWindow(c.slidingWindowDuration);
    const closedMinimum = c.slidingWindowType === 'count-based' ? Math.min(c.minimumNumberOfCalls, c.slidingWindowSize) : c.minimumNumberOfCalls;
    const probes = c.permittedNumberOfCallsInHalfOpenState;
    const probeWindow = countWindow(probes);
    const probeMinimum = Math.min(c.minimumNumberOfCalls, probes);
    const inFlight = new Set<Message>();
    const transitions = new Deque<BreakerTransition>();
    let state: BreakerState = 'closed';
    let epoch = 0; // bumps at every transition; a call remembers the epoch it started in
    let openedAt = 0;
    let probesStarted = 0;
    let injected: NodeFaultState = NO_NODE_FAULTS;
    let calls = 0;
    let failedCalls = 0;
    let slowCalls = 0;
    let rejected = 0;

    const rate = (w: OutcomeWindow, minimum: number, part: number) => (w.total === 0 || w.total < minimum ? -1 : (part / w.total) * 100);

    const transition = (to: BreakerState, w: OutcomeWindow, minimum: number) => {
      if (transitions.length >= TRANSITIONS_KEPT) transitions.shift();
      transitions.push({
        at: ctx.now(),
        from: state,
        to,
        failureRate: rate(w, minimum, w.failed),
        slowCallRate: rate(w, minimum, w.slow),
        calls: w.total,
      });
      state = to;
      epoch++;
      if (to === 'open') {
        openedAt = ctx.now();
        if (c.automaticTransitionFromOpenToHalfOpen) ctx.schedule(c.waitDurationInOpenState, HALF_OPEN_TIMER, null, epoch);
      } else if (to === 'half-open') {
        probesStarted = 0;
        probeWindow.reset();
      } else closedWindow.reset();
    };

    /** Whether a window's rates call for opening: null while below its minimum number of calls. */
    const exceeded = (w: OutcomeWindow, minimum: number): boolean | null => {
      if (w.total === 0 || w.total < minimum) return null;
      return (w.failed / w.total) * 100 >= c.failureRateThreshold || (w.slow / w.total) * 100 >= c.slowCallRateThreshold;
    };

    const fallback = (m: Message, reason: DeadLetterReason) => {
      if (c.fallback === 'drop') ctx.drop(m, reason);
      else if (c.fallback === 'port') ctx.emit('fallback', m, reason);
      else {
        m.type = c.reply.type;
        m.payload = c.reply.payload;
        m.headers = { ...m.headers, ...c.reply.headers, 'fallback-reason': reason };
        ctx.emit('out', m);
      }
    };

    const startCall = (m: Message) => {
      inFlight.add(m);
      calls++;
      let d = duration(ctx.rng) * injected.slowdown;
      const failed = ctx.rng.chance(c.call.failureRate);
      let outcome = injected.fail() || failed ? FAILED : OK;
      if (c.call.timeout !== undefined && d > c.call.timeout) {
        d = c.call.timeout;
        outcome = TIMED_OUT;
      }
      ctx.schedule(d, outcome, m, epoch);
    };

    const reject = (m: Message) => {
      rejected++;
      fallback(m, 'circuit-open');
    };

    const permitted = (): boolean => {
      if (state === 'closed') return true;
      if (state === 'open') {
        if (c.automaticTransitionFromOpenToHalfOpen || ctx.now() < openedAt + c.waitDurationInOpenState) return false;
        transition('half-open', closedWindow, closedMinimum);
      }
      if (probesStarted >= probes) return false;
      probesStarted++;
      return true;
    };

    const completed = (m: Message, outcome: number, startEpoch: number) => {
      inFlight.delete(m);
      const failed = outcome !== OK;
      const slow = ctx.now() - m.arrivedAt > c.slowCallDurationThreshold;
      if (failed) {
        failedCalls++;
        ctx.countFailed();
      }
      if (slow) slowCalls++;
      if (startEpoch === epoch) {
        if (state === 'closed') {
          closedWindow.record(failed, slow, ctx.now());
          if (exceeded(closedWindow, closedMinimum)) transition('open', closedWindow, closedMinimum);
        } else if (state === 'half-open') {
          probeWindow.record(failed, slow, ctx.now());
          const verdict = exceeded(probeWindow, probeMinimum);
          if (verdict !== null) transition(verdict ? 'open' : 'closed', probeWindow, probeMinimum);
        }
      }
      if (failed) fallback(m, outcome === TIMED_OUT ? 'timeout' : 'error');
      else ctx.emit('out', m);
    };

    const snapshot = () => {
      const [w, minimum] = state === 'half-open' ? [probeWindow, probeMinimum] : [closedWindow, closedMinimum];
      w.advance(ctx.now());
      return {
        state,
        failureRate: rate(w, minimum, w.failed),
        slowCallRate: rate(w, minimum, w.slow),
        bufferedCalls: w.total,
        failedCalls: w.failed,
        slowCalls: w.slow,
        notPermittedCalls: rejected,
        inFlight: inFlight.size,
        totals: { calls, failed: failedCalls, slow: slowCalls, rejected },
      };
    };

    return {
      onMessage(msg) {
        if (permitted()) startCall(msg);
        else reject(msg);
      },
      onTimer(tag, msg, data) {
        if (tag === HALF_OPEN_TIMER) {
          if (state === 'open' && data === epoch) transition('half-open', closedWindow, closedMinimum);
          return;
        }
        completed(msg!, tag, data as number);
      },
      held: () => inFlight.size,
      view(): NodeView {
        const s = snapshot();
        const figures: Record<string, number> = { rejected, inFlight: inFlight.size, calls: s.bufferedCalls };
        if (s.failureRate >= 0) figures.failureRate = Math.round(s.failureRate * 10) / 10;
        if (s.slowCallRate >= 0) figures.slowCallRate = Math.round(s.slowCallRate * 10) / 10;
        return { state, figures };
      },
      action(name) {
        switch (name) {
          case 'transitions': {
            const items: BreakerTransition[] = [];
            for (let i = 0; i < transitions.length; i++) items.push(transitions.at(i)!);
            return { state, items };
          }
          case 'metrics':
            return snapshot();
          case 'reset':
            if (state !== 'closed') transition('closed', closedWindow, closedMinimum);
            else closedWindow.reset();
            return { state };
          default:
            throw new Error(`circuit breaker: unknown action "${name}"`);
        }
      },
      crash() {
        const lost = [...inFlight];
        inFlight.clear();
        if (state !== 'closed') transition('closed', closedWindow, closedMinimum);
        else closedWindow.reset();
        return lost;
      },
      faultsChanged(s) {
        injected = s;
      },
    };
  },
};
