/**
 * Where the run's hooks (fault injection, live invariants; see hooks.ts) want to be called. The simulation
 * keeps one byte per node (`Simulation.hookAt`) and two flags, and calls a hook only at the sites that ask
 * for it: a topology with one fault on one node pays an array read per event elsewhere, not a call.
 *
 * Bits only ever get set during a run (a fault added from the studio adds its nodes); a site called that no
 * longer needs it does nothing.
 */
import { Outcome } from './trace';

/** Events due at the node go through `RunHooks.intercept` (node and edge faults, arrivals an invariant watches). */
export const HOOK_EVENTS = 1;
/** Hops ending at the node go to `RunHooks.left` (departures an invariant watches, messages a fault tracks). */
export const HOOK_LEAVES = 2;
/** Messages the node is about to process go to `RunHooks.receive` first (injected processing errors). */
export const HOOK_RECEIVES = 4;

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
