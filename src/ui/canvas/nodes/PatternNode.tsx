/**
 * The view of one node: family-coloured icon, label, kind, a summary of its config, the live badges of the
 * run, and one handle per port of the catalog (labelled when a node has several). Validation problems give
 * a red outline with the messages as a tooltip; a highlighted path (a message picked in the trace) gives
 * an accent ring.
 */
import { Handle, Position, useUpdateNodeInternals, type NodeProps } from '@xyflow/react';
import { memo, useEffect, useMemo } from 'react';
import { getCatalogEntry, outputPortsOf, type Family, type PortSpec } from '../../../model/catalog';
import { formatError } from '../../../model/errors';
import { nodeById, nodeErrors, nodeHighlighted } from '../../../state/selectors';
import { useStudio } from '../../../state/studioStore';
import { NodeFaultMark } from '../live/FaultMarks';
import { NodeLiveBadges } from '../live/NodeLiveBadges';
import { PatternIcon } from '../PatternIcon';
import { nodeDetails, producedKind } from './nodeDetails';

const FALLBACK_IN: readonly PortSpec[] = [{ id: 'in', label: 'in', role: 'input' }];
const FALLBACK_OUT: readonly PortSpec[] = [{ id: 'out', label: 'out', role: 'success' }];

function useParsedConfig(kind: string, config: Record<string, unknown> | undefined) {
  return useMemo(() => {
    const entry = getCatalogEntry(kind);
    if (!entry) return { entry, parsed: undefined };
    const r = entry.config.safeParse(config ?? {});
    return { entry, parsed: r.success ? r.data : undefined };
  }, [kind, config]);
}

/** A node view for one family (the family sets the colour and the default icon). */
export function makeFamilyNode(family: Family | 'unknown') {
  function FamilyNode({ id, selected }: NodeProps) {
    const node = useStudio(useMemo(() => nodeById(id), [id]));
    const errors = useStudio(useMemo(() => nodeErrors(id), [id]));
    const highlighted = useStudio(useMemo(() => nodeHighlighted(id), [id]));
    const kind = node?.kind ?? '';
    const { entry, parsed } = useParsedConfig(kind, node?.config);
    const inputs = entry ? entry.inputs : FALLBACK_IN;
    const outputs = useMemo(() => (entry ? outputPortsOf(entry, node?.config) : FALLBACK_OUT), [entry, node?.config]);
    const portKey = inputs.map((p) => p.id).join(',') + '|' + outputs.map((p) => p.id).join(',');
    const updateNodeInternals = useUpdateNodeInternals();
    useEffect(() => updateNodeInternals(id), [id, portKey, updateNodeInternals]);
    if (!node) return null;

    const title = node.label || entry?.title || node.kind;
    const invalid = errors.length > 0;
    const msgKind = producedKind(entry, parsed);
    const simplePorts = inputs.length <= 1 && outputs.length <= 1 && (outputs[0]?.id ?? 'out') === 'out';
    const classes = [
      'node',
      `node--${family}`,
      selected ? 'is-selected' : '',
      invalid ? 'is-invalid' : '',
      highlighted ? 'is-highlighted' : '',
      entry ? '' : 'is-unknown',
    ].join(' ');

    return (
      <div
        className={classes}
        data-kind={node.kind}
        data-message-kind={msgKind}
        title={invalid ? errors.map((e) => formatError(e)).join('\n') : undefined}
        aria-label={`${title}, ${entry?.title ?? 'unknown kind ' + node.kind}${invalid ? `, ${errors.length} problem${errors.length > 1 ? 's' : ''}` : ''}`}
      >
        <div className="node__head">
          <span className="node__icon">
            <PatternIcon kind={node.kind} family={family} />
          </span>
          <span className="node__titles">
            <span className="node__label">{title}</span>
            <span className="node__kind">{entry ? entry.title : `unknown kind “${node.kind}”`}</span>
          </span>
          {invalid && (
            <span className="node__alert" role="img" aria-label={`${errors.length} problem${errors.length > 1 ? 's' : ''}`}>
              !
            </span>
          )}
        </div>
        {parsed && <div className="node__details">{nodeDetails(entry, parsed)}</div>}
        <NodeLiveBadges nodeId={id} />
        <NodeFaultMark nodeId={id} />
        {simplePorts ? (
          <>
            {inputs.map((p) => (
              <Handle key={p.id} id={p.id} type="target" position={Position.Left} className="port port--in" aria-label={`${title} input`} />
            ))}
            {outputs.map((p) => (
              <Handle key={p.id} id={p.id} type="source" position={Position.Right} className="port port--success" aria-label={`${title} output`} />
            ))}
          </>
        ) : (
          <div className="node__ports">
            {Array.from({ length: Math.max(inputs.length, outputs.length) }, (_, i) => (
              <div className="node__port-row" key={i}>
                {inputs[i] ? (
                  <span className="node__port node__port--in">
                    <Handle id={inputs[i].id} type="target" position={Position.Left} className="port port--in" aria-label={`${title} input ${inputs[i].label}`} />
                    {inputs.length > 1 ? inputs[i].label : ''}
                  </span>
                ) : (
                  <span />
                )}
                {outputs[i] ? (
                  <span className={`node__port node__port--out node__port--${outputs[i].role}`}>
                    {outputs[i].label}
                    <Handle
                      id={outputs[i].id}
                      type="source"
                      position={Position.Right}
                      className={`port port--${outputs[i].role}`}
                      aria-label={`${title} output ${outputs[i].label}`}
                    />
                  </span>
                ) : (
                  <span />
                )}
              </div>
            ))}
          </div>
        )}
      </div>
    );
  }
  FamilyNode.displayName = `FamilyNode(${family})`;
  return memo(FamilyNode);
}
