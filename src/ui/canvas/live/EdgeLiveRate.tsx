/**
 * Live message rate of one edge: a flow line whose thickness follows the rate, a label (`87/s`), and
 * while running, dots travelling along the edge (SVG `animateMotion`) — faster and more of them as the
 * rate grows. The dot timing changes only when the rate crosses a decade, since changing it restarts the
 * animation. Large topologies (over DOTS_MAX_EDGES edges) and reduced-motion users get no dots; zoomed out,
 * only the flow line is drawn (its width changes only when the rate crosses a decade); off screen, nothing.
 */
import { useStore as useFlowStore } from '@xyflow/react';
import { useCallback } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { useLive, type LiveState } from '../../../state/frameStore';
import { edgeDetail, selectEdgeLive } from './liveSelectors';
import './live.css';

/** Above this many edges, no animated dots (keeps the canvas cheap for big topologies). */
export const DOTS_MAX_EDGES = 150;

const reducedMotion =
  typeof matchMedia === 'function' && matchMedia('(prefers-reduced-motion: reduce)').matches;
const selectManyEdges = (s: LiveState) => (s.info?.edges.length ?? 0) > DOTS_MAX_EDGES;
const none = () => null;

export function EdgeLiveRate({
  edgeId,
  path,
  labelX,
  labelY,
}: {
  edgeId: string;
  path: string;
  labelX: number;
  labelY: number;
}) {
  // the label point is the middle of the edge; 250 flow units around it covers most edges
  const detail = useFlowStore(useCallback((s) => edgeDetail(s, labelX, labelY, 250), [labelX, labelY]));
  const withLabel = detail === 2;
  const select = useCallback((s: LiveState) => selectEdgeLive(s, edgeId, withLabel), [edgeId, withLabel]);
  const live = useLive(useShallow(detail > 0 ? select : none));
  const many = useLive(selectManyEdges);
  if (!live) return null;
  const width = live.bucket === 0 ? 0 : 1 + live.bucket * 1.2;
  const dots =
    detail === 2 && live.running && live.bucket > 0 && !many && !reducedMotion
      ? Math.min(3, Math.ceil(live.bucket / 2))
      : 0;
  // one trip takes 3 s at a trickle down to 0.5 s at thousands a second
  const dur = Math.max(0.5, 3.2 - live.bucket * 0.45);
  const text = `${live.rate}/s`;
  return (
    <g
      className="edge-live"
      pointerEvents="none"
      data-testid="edge-live"
      data-edge={edgeId}
      data-rate={live.rate}
    >
      {width > 0 && <path className="edge-live__flow" d={path} strokeWidth={width} fill="none" />}
      {Array.from({ length: dots }, (_, k) => (
        <circle key={`${live.bucket}-${k}`} className="edge-live__dot" r={2.6}>
          <animateMotion
            dur={`${dur}s`}
            begin={`${(-k * dur) / dots}s`}
            repeatCount="indefinite"
            path={path}
          />
        </circle>
      ))}
      {detail === 2 && live.used && (
        <text className="edge-live__label" x={labelX} y={labelY - 12} textAnchor="middle">
          {text}
        </text>
      )}
    </g>
  );
}
