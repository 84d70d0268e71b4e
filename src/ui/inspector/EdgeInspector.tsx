/** The inspector of one edge: where it goes, its label, and its config (a subscription's topic, …). */
import { useCallback, useMemo } from 'react';
import { getCatalogEntry, outputPortsOf } from '../../model/catalog';
import { setEdgeConfigAt, setEdgeLabel, type FieldPath } from '../../state/graphEdits';
import { edgeErrors, indexOf } from '../../state/selectors';
import { useStudio } from '../../state/studioStore';
import { EdgeLinkFields } from './EdgeLinkFields';
import { FaultsSection } from './FaultsSection';
import { ProblemList, Section, TextInput } from './InspectorParts';
import { jsonSchemaOf } from './jsonSchema';
import { SchemaForm } from './SchemaForm';

export function EdgeInspector({ id }: { id: string }) {
  const found = useStudio(useCallback((s) => indexOf(s.topology).edges.get(id), [id]));
  const sourceNode = useStudio(useCallback((s) => (found ? indexOf(s.topology).nodes.get(found.edge.source)?.node : undefined), [found]));
  const targetNode = useStudio(useCallback((s) => (found ? indexOf(s.topology).nodes.get(found.edge.target)?.node : undefined), [found]));
  const errors = useStudio(useMemo(() => edgeErrors(id), [id]));
  const sEntry = sourceNode ? getCatalogEntry(sourceNode.kind) : undefined;
  const schema = useMemo(() => (sEntry?.edgeConfig ? jsonSchemaOf(sEntry.edgeConfig) : null), [sEntry]);
  const onChange = useCallback(
    (path: FieldPath, value: unknown) => useStudio.getState().edit((t) => setEdgeConfigAt(t, id, path, value), `edge:${id}:${path.join('.')}`),
    [id],
  );
  if (!found) return null;
  const { edge, index } = found;
  const portLabel = (sEntry && outputPortsOf(sEntry, sourceNode?.config).find((p) => p.id === (edge.sourcePort ?? 'out'))?.label) ?? edge.sourcePort ?? 'out';
  const name = (n: typeof sourceNode, fallback: string) => n?.label || getCatalogEntry(n?.kind ?? '')?.title || fallback;

  return (
    <div className="inspector__body" data-inspecting={`edge:${id}`}>
      <header className="inspector__header">
        <span className="inspector__icon inspector__icon--edge" aria-hidden="true">
          →
        </span>
        <div className="inspector__heading">
          <h2 className="inspector__title">Connection</h2>
          <p className="inspector__subtitle">
            <code>{edge.id}</code>
          </p>
        </div>
      </header>
      <ProblemList errors={errors} />
      <div className="route" aria-label="Route">
        <div className="route__end">
          <span className="route__label">From</span>
          <strong>{name(sourceNode, edge.source)}</strong>
          <span className="route__port">port {portLabel}</span>
        </div>
        <span className="route__arrow" aria-hidden="true">
          →
        </span>
        <div className="route__end">
          <span className="route__label">To</span>
          <strong>{name(targetNode, edge.target)}</strong>
          <span className="route__port">port {edge.targetPort ?? 'in'}</span>
        </div>
      </div>
      <Section title="Connection">
        <TextInput
          id={`edge-${id}-label`}
          label="Label"
          value={edge.label ?? ''}
          placeholder="optional"
          maxLength={200}
          onChange={(v) => useStudio.getState().edit((t) => setEdgeLabel(t, id, v), `edge:${id}:label`)}
          errors={errors.filter((e) => e.path === `edges[${index}].label`)}
        />
      </Section>
      <EdgeLinkFields edgeId={id} link={edge.link} index={index} errors={errors} />
      {schema ? (
        <Section title={sEntry?.kind === 'publish-subscribe' ? 'Subscription' : 'Settings'}>
          <SchemaForm schema={schema} value={edge.config} errors={errors} errorPath={`edges[${index}].config`} onChange={onChange} idBase={`edge-${id}`} />
        </Section>
      ) : (
        <p className="inspector__muted inspector__pad">Connections leaving a {sEntry?.title ?? 'node of this kind'} have no settings.</p>
      )}
      <FaultsSection target={{ edge: id }} />
    </div>
  );
}
