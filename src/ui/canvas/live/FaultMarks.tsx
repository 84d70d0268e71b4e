/**
 * Canvas marks of fault injection and live invariants. On a node: a lightning mark at its top right — faint
 * while the topology only schedules faults there, bright with the fault types while one is on at the
 * current virtual time, grey with the state word when a fault holds the node `crashed` or `paused` — and a
 * red mark when an invariant that names the node is violated. On an edge: the same lightning mark above the
 * middle of the edge. The live part comes from the frame (at most 10 updates a second).
 */
import { EdgeLabelRenderer } from '@xyflow/react';
import { useCallback, useMemo } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { useLive, type LiveState } from '../../../state/frameStore';
import type { StudioState } from '../../../state/studioStore';
import { useStudio } from '../../../state/studioStore';
import { scheduledFaults, selectFaultMark } from './faultSelectors';
import './resilience.css';

/** A lightning bolt (16 × 16 view box). */
export function Bolt({ size = 11 }: { size?: number }) {
  return (
    <svg className="fault-bolt" width={size} height={size} viewBox="0 0 16 16" aria-hidden="true" focusable="false">
      <path d="M9.5 1 3 9h4.2L6 15l7-8.6H8.7L9.5 1Z" fill="currentColor" />
    </svg>
  );
}

function useMark(kind: 'node' | 'edge', id: string) {
  const scheduled = useStudio(useCallback((s: StudioState) => scheduledFaults(s.topology, kind, id), [kind, id]));
  const live = useLive(useShallow(useCallback((s: LiveState) => selectFaultMark(s, kind, id), [kind, id])));
  return { scheduled, live };
}

/** The fault and invariant marks of a node (placed at its top right corner). */
export function NodeFaultMark({ nodeId }: { nodeId: string }) {
  const { scheduled, live } = useMark('node', nodeId);
  const active = live?.types ?? '';
  const state = live?.state ?? '';
  const violated = live?.violated ?? 0;
  if (!scheduled.length && !active && !state && !violated) return null;
  const scheduleText = scheduled.map((f) => `${f.id}: ${f.type} at ${f.at ?? 0} ms${f.for !== undefined ? ` for ${f.for} ms` : ''}`).join('\n');
  return (
    <div className="fault-marks" data-testid="fault-marks" data-node={nodeId}>
      {violated > 0 && (
        <span className="fault-mark fault-mark--violated" role="img" aria-label={`${violated} violated invariant${violated === 1 ? '' : 's'}`} title="An invariant that names this node is violated (see the Invariants panel)">
          ✕ {violated === 1 ? 'invariant' : `${violated} invariants`}
        </span>
      )}
      {state ? (
        <span className={`fault-mark fault-mark--state fault-mark--${state}`} role="img" aria-label={`Fault: ${state} (${live?.ids})`} title={`${state} by fault ${live?.ids}`} data-state={state}>
          <Bolt /> {state}
        </span>
      ) : active ? (
        <span className="fault-mark fault-mark--active" role="img" aria-label={`Fault active: ${active} (${live?.ids})`} title={`On now: ${live?.ids}`} data-active={active}>
          <Bolt /> {active}
        </span>
      ) : scheduled.length ? (
        <span className="fault-mark fault-mark--scheduled" role="img" aria-label={`${scheduled.length} fault${scheduled.length === 1 ? '' : 's'} scheduled`} title={scheduleText}>
          <Bolt />
          {scheduled.length > 1 ? scheduled.length : ''}
        </span>
      ) : null}
    </div>
  );
}

/** The fault mark of an edge, above its middle. */
export function EdgeFaultMark({ edgeId, labelX, labelY }: { edgeId: string; labelX: number; labelY: number }) {
  const { scheduled, live } = useMark('edge', edgeId);
  const active = live?.types ?? '';
  const style = useMemo(() => ({ transform: `translate(-50%, -100%) translate(${labelX}px, ${labelY - 18}px)` }), [labelX, labelY]);
  if (!scheduled.length && !active) return null;
  const scheduleText = scheduled.map((f) => `${f.id}: ${f.type} at ${f.at ?? 0} ms${f.for !== undefined ? ` for ${f.for} ms` : ''}`).join('\n');
  return (
    <EdgeLabelRenderer>
      <div className="edge-fault nodrag nopan" style={style} data-testid="edge-fault" data-edge={edgeId}>
        {active ? (
          <span className="fault-mark fault-mark--active" role="img" aria-label={`Fault active on this connection: ${active} (${live?.ids})`} title={`On now: ${live?.ids}`} data-active={active}>
            <Bolt /> {active}
          </span>
        ) : (
          <span className="fault-mark fault-mark--scheduled" role="img" aria-label={`${scheduled.length} fault${scheduled.length === 1 ? '' : 's'} scheduled on this connection`} title={scheduleText}>
            <Bolt />
            {scheduled.length > 1 ? scheduled.length : ''}
          </span>
        )}
      </div>
    </EdgeLabelRenderer>
  );
}
