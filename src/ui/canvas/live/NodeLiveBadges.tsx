/** Live badges of one node (queue depth, in flight, rate, errors), fed by a store subscription — run work. */
export function NodeLiveBadges(_props: { nodeId: string }) {
  return null;
}
