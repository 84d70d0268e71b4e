/** The inspector of one node: label, what the pattern does, and its config form. */
import { useCallback, useMemo, useState } from 'react';
import { getCatalogEntry, outputPortsOf } from '../../model/catalog';
import { setNodeConfigAt, setNodeLabel, type FieldPath } from '../../state/graphEdits';
import { indexOf, nodeErrors } from '../../state/selectors';
import { useStudio } from '../../state/studioStore';
import { PatternIcon } from '../canvas/PatternIcon';
import { AuditLink } from './AuditLink';
import { FaultsSection } from './FaultsSection';
import { ProblemList, Section, TextInput } from './InspectorParts';
import { jsonSchemaOf } from './jsonSchema';
import { SchemaForm } from './SchemaForm';

export function NodeInspector({ id }: { id: string }) {
  const found = useStudio(useCallback((s) => indexOf(s.topology).nodes.get(id), [id]));
  const errors = useStudio(useMemo(() => nodeErrors(id), [id]));
  const [aboutOpen, setAboutOpen] = useState(false);
  const entry = found ? getCatalogEntry(found.node.kind) : undefined;
  const schema = useMemo(() => (entry ? jsonSchemaOf(entry.config) : {}), [entry]);
  const onChange = useCallback(
    (path: FieldPath, value: unknown) => useStudio.getState().edit((t) => setNodeConfigAt(t, id, path, value), `node:${id}:${path.join('.')}`),
    [id],
  );
  if (!found) return null;
  const { node, index } = found;
  const outputs = entry ? outputPortsOf(entry, node.config) : [];

  return (
    <div className="inspector__body" data-inspecting={`node:${id}`}>
      <header className="inspector__header">
        <span className={`inspector__icon node--${entry?.family ?? 'unknown'}`}>
          <PatternIcon kind={node.kind} family={entry?.family ?? 'unknown'} size={20} />
        </span>
        <div className="inspector__heading">
          <h2 className="inspector__title">{node.label || entry?.title || node.kind}</h2>
          <p className="inspector__subtitle">
            {entry?.title ?? `unknown kind “${node.kind}”`} · <code>{node.id}</code>
          </p>
        </div>
      </header>
      <ProblemList errors={errors} />
      <Section title="Node">
        <TextInput
          id={`node-${id}-label`}
          label="Label"
          value={node.label ?? ''}
          placeholder={entry?.title ?? node.kind}
          maxLength={200}
          onChange={(v) => useStudio.getState().edit((t) => setNodeLabel(t, id, v), `node:${id}:label`)}
          errors={errors.filter((e) => e.path === `nodes[${index}].label`)}
        />
      </Section>
      {entry && (
        <section className="inspector__about" aria-label="About this pattern">
          <p className="inspector__summary">{entry.summary}</p>
          <p className={`inspector__description ${aboutOpen ? '' : 'is-clamped'}`} id={`about-${id}`}>
            {entry.description}
          </p>
          <button type="button" className="link-button" aria-expanded={aboutOpen} aria-controls={`about-${id}`} onClick={() => setAboutOpen((o) => !o)}>
            {aboutOpen ? 'Show less' : 'How it works'}
          </button>
          {aboutOpen && (
            <p className="inspector__ports">
              <span>in: {entry.inputs.map((p) => p.label).join(', ') || 'none (a source)'}</span>
              <span>out: {outputs.map((p) => p.label).join(', ') || 'none (an end)'}</span>
            </p>
          )}
        </section>
      )}
      <Section title="Settings">
        {entry ? (
          <SchemaForm schema={schema} value={node.config} errors={errors} errorPath={`nodes[${index}].config`} onChange={onChange} idBase={`cfg-${id}`} />
        ) : (
          <p className="inspector__muted">The studio does not know this kind, so it cannot edit its settings.</p>
        )}
      </Section>
      {node.kind === 'access-control' && <AuditLink nodeId={id} />}
      <FaultsSection target={{ node: id }} />
    </div>
  );
}
