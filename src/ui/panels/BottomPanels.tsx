/** The bottom dock: throughput, trace and dead-letter panels — owned by the run work. */
export function BottomPanels() {
  return null;
}
