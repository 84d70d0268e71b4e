/**
 * The view of one edge: a bezier path, dashed for failure ports (error, dead letter), a label (its own
 * label, or the topic of a subscription, or the port it leaves by), the live rate of the run, a red stroke
 * with the problem as a tooltip when it does not validate, and an accent glow when highlighted.
 */
import { BaseEdge, EdgeLabelRenderer, getBezierPath, type EdgeProps } from '@xyflow/react';
import { memo, useMemo } from 'react';
import { getCatalogEntry, outputPortsOf } from '../../../model/catalog';
import { formatError } from '../../../model/errors';
import { edgeById, edgeErrors, edgeHighlighted, nodeById } from '../../../state/selectors';
import { useStudio } from '../../../state/studioStore';
import { EdgeLinkLoad } from '../live/EdgeLinkLoad';
import { EdgeLiveRate } from '../live/EdgeLiveRate';
import { EdgeFaultMark } from '../live/FaultMarks';

function MessageEdgeView({ id, source, sourceX, sourceY, targetX, targetY, sourcePosition, targetPosition, selected, markerEnd }: EdgeProps) {
  const edge = useStudio(useMemo(() => edgeById(id), [id]));
  const sourceNode = useStudio(useMemo(() => nodeById(source), [source]));
  const errors = useStudio(useMemo(() => edgeErrors(id), [id]));
  const highlighted = useStudio(useMemo(() => edgeHighlighted(id), [id]));
  const [path, labelX, labelY] = getBezierPath({ sourceX, sourceY, targetX, targetY, sourcePosition, targetPosition });

  const port = useMemo(() => {
    const entry = sourceNode && getCatalogEntry(sourceNode.kind);
    const portId = edge?.sourcePort ?? 'out';
    const spec = entry ? outputPortsOf(entry, sourceNode?.config).find((p) => p.id === portId) : undefined;
    return { id: portId, label: spec?.label ?? portId, failure: spec?.role === 'failure', hasEdgeConfig: !!entry?.edgeConfig };
  }, [sourceNode, edge?.sourcePort]);

  const topic = port.hasEdgeConfig ? (typeof edge?.config?.topic === 'string' ? edge.config.topic : '#') : undefined;
  const label = edge?.label ?? (topic !== undefined ? `topic ${topic}` : port.id !== 'out' ? port.label : undefined);
  const invalid = errors.length > 0;
  const classes = ['edge', port.failure ? 'edge--failure' : '', selected ? 'is-selected' : '', invalid ? 'is-invalid' : '', highlighted ? 'is-highlighted' : ''].join(' ');
  const tooltip = invalid ? errors.map((e) => formatError(e)).join('\n') : undefined;

  return (
    <>
      {highlighted && <path d={path} className="edge__glow" fill="none" />}
      <EdgeLinkLoad edgeId={id} path={path} labelX={labelX} labelY={labelY} />
      <BaseEdge id={id} path={path} markerEnd={markerEnd} className={classes} interactionWidth={18} />
      {tooltip && (
        <path d={path} fill="none" stroke="transparent" strokeWidth={18} className="edge__hit">
          <title>{tooltip}</title>
        </path>
      )}
      {(label || invalid) && (
        <EdgeLabelRenderer>
          <div
            className={`edge-label nodrag nopan ${port.failure ? 'edge-label--failure' : ''} ${invalid ? 'is-invalid' : ''} ${selected ? 'is-selected' : ''}`}
            style={{ transform: `translate(-50%, -50%) translate(${labelX}px, ${labelY}px)` }}
            title={tooltip}
            data-edge-label={id}
          >
            {invalid && <span className="edge-label__alert" aria-hidden="true">!</span>}
            {label ?? 'problem'}
          </div>
        </EdgeLabelRenderer>
      )}
      <EdgeLiveRate edgeId={id} path={path} labelX={labelX} labelY={labelY} />
      <EdgeFaultMark edgeId={id} labelX={labelX} labelY={labelY} />
    </>
  );
}

/** The custom edge (registered as `message` in ../nodeTypes.ts). */
export const MessageEdge = memo(MessageEdgeView);
