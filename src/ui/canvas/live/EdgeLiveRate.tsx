/** Live message rate of one edge (label and animated dots) — run work. */
export function EdgeLiveRate(_props: { edgeId: string; path: string; labelX: number; labelY: number }) {
  return null;
}
