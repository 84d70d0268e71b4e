/**
 * The link of an edge with capacity (`edge.link`): a pipe drawn along the edge and a small label under its
 * middle with the bandwidth and latency. During a run the pipe's colour and width follow the link's recent
 * utilization (green below 50 %, amber below 85 %, red from there) and the label adds the utilization and
 * the backlog (messages waiting to go on the wire). Edges without a link draw nothing.
 */
import { EdgeLabelRenderer } from '@xyflow/react';
import { useCallback, useMemo } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { useLive, type LiveState } from '../../../state/frameStore';
import { edgeById } from '../../../state/selectors';
import { useStudio } from '../../../state/studioStore';
import { formatCount } from './liveSelectors';
import { linkText, selectLinkLoad } from './faultSelectors';
import './resilience.css';

export function EdgeLinkLoad({ edgeId, path, labelX, labelY }: { edgeId: string; path: string; labelX: number; labelY: number }) {
  const selectEdge = useMemo(() => edgeById(edgeId), [edgeId]);
  const link = useStudio(selectEdge)?.link;
  const load = useLive(useShallow(useCallback((s: LiveState) => selectLinkLoad(s, edgeId), [edgeId])));
  const style = useMemo(() => ({ transform: `translate(-50%, 0) translate(${labelX}px, ${labelY + 12}px)` }), [labelX, labelY]);
  if (!link) return null;
  const level = load ? load.level : -1;
  const width = load ? 4 + (load.percent / 100) * 6 : 5;
  const text = linkText(link);
  const live = load ? `${load.percent} % busy · ${load.queued.toLocaleString('en')} waiting` : '';
  return (
    <>
      <path className={`edge-link__pipe edge-link__pipe--${level}`} d={path} strokeWidth={width} fill="none" pointerEvents="none" />
      <EdgeLabelRenderer>
        <div
          className={`edge-link nodrag nopan edge-link--${level}`}
          style={style}
          data-testid="edge-link"
          data-edge={edgeId}
          data-utilization={load?.percent ?? ''}
          data-queued={load?.queued ?? ''}
          role="img"
          aria-label={`Link ${text}${live ? `, ${live}` : ''}`}
          title={`Link: ${text}${live ? `\n${live} (messages sent but not yet on the wire)` : ''}`}
        >
          <span className="edge-link__spec">{text}</span>
          {load && (
            <>
              <span className="edge-link__util">{load.percent}%</span>
              {load.queued > 0 && <span className="edge-link__queue">q {formatCount(load.queued)}</span>}
            </>
          )}
        </div>
      </EdgeLabelRenderer>
    </>
  );
}
