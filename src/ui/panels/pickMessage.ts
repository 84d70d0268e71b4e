/**
 * Picks a message by id (`m42`) from another panel: selects it in the trace (its details open, its path
 * lights up on the canvas, as when its row is clicked) and shows the trace tab.
 */
import { useFrames } from '../../state/frameStore';
import { hopsOf } from '../../state/run/TraceBuffer';
import { useStudio } from '../../state/studioStore';
import { requestPanelTab } from './panelRequest';

/** The sequence number of a message id (`m42` → 42), or -1. */
export function seqOfMessageId(id: string): number {
  return /^m\d+$/.test(id) ? Number(id.slice(1)) : -1;
}

/** Selects a message in the trace panel and shows it; false when the id is not a message id. */
export function pickMessage(id: string): boolean {
  const seq = seqOfMessageId(id);
  if (seq < 0) return false;
  const { trace, info } = useFrames.getState();
  if (info) {
    const hops = hopsOf(trace, seq);
    const nodes = hops.map((h) => info.nodes[h.node]?.id).filter((n): n is string => !!n);
    const edges = hops.filter((h) => h.edge >= 0).map((h) => info.edges[h.edge]?.id).filter((e): e is string => !!e);
    useStudio.getState().selectMessage(seq, { nodes, edges });
  } else useStudio.getState().selectMessage(seq);
  requestPanelTab('trace');
  return true;
}
