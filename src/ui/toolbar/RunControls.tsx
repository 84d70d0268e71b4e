/** Run controls (run, pause, step, reset, speed, seed, until) — owned by the run work. */
export function RunControls() {
  return null;
}
