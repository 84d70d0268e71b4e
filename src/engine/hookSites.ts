/**
 * Where the run's hooks (fault injection, live invariants; see hooks.ts) want to be called. The simulation
 * keeps one byte per node (`Simulation.hookAt`) and two flags, and calls a hook only at the sites that ask
 * for it: a topology with one fault on one node pays an array read per event elsewhere, not a call.
 *
 * Faults and invariants set the bits as they are built or added (from the studio, during a run); the
 * fault layer sets `HOOK_ARRIVALS`, `HOOK_RECEIVES` and `HOOK_BLOCKED` while an active fault needs them
 * and clears them after. A site called that no longer needs it does nothing. Fault switches are
 * events of their own type (`EventType.Fault`), dispatched to the fault layer.
 */
import { EventType } from './Scheduler';
import { Outcome } from './trace';

/** Messages arriving at the node (deliveries, nacks) go through `RunHooks.intercept` first (edge faults, messages a fault tracks). */
export const HOOK_ARRIVALS = 1;
/** Hops ending at the node go to `RunHooks.left` (departures an invariant watches, messages a fault tracks). */
export const HOOK_LEAVES = 2;
/** Messages the node is about to process go to `RunHooks.receive` first (injected processing errors). */
export const HOOK_RECEIVES = 4;
/**
 * Every event due at the node goes through `RunHooks.intercept`, and it is not woken directly: it is down
 * (crashed, paused) or has timers of a crashed process still queued. The one bit the fault layer also clears.
 */
export const HOOK_BLOCKED = 8;
/** Messages delivered to the node (past the fault layer) go to `RunHooks.arrived` (arrivals an invariant watches). */
export const HOOK_ARRIVED = 16;

/** Per event type, the bits that send an event through `RunHooks.intercept`. */
export const INTERCEPTS: Uint8Array = (() => {
  const t = new Uint8Array(8).fill(HOOK_BLOCKED);
  t[EventType.Deliver] = HOOK_ARRIVALS | HOOK_BLOCKED;
  t[EventType.Nack] = HOOK_ARRIVALS | HOOK_BLOCKED;
  t[EventType.Fault] = 0; // dispatched to the fault layer itself
  return t;
})();

/** Outcomes that end a message's journey (or, `Reprocessed`, start it again): `RunHooks.left` sees them all when `Simulation.hookEnds` is set. */
export const ENDS_JOURNEY: Uint8Array = (() => {
  const t = new Uint8Array(8);
  t[Outcome.Completed] = 1;
  t[Outcome.Dropped] = 1;
  t[Outcome.Stored] = 1;
  t[Outcome.Merged] = 1;
  t[Outcome.Reprocessed] = 1;
  return t;
})();
