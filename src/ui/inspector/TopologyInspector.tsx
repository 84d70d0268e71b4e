/** The inspector when nothing is selected: the topology's name, description and simulation settings. */
import { useCallback, useMemo } from 'react';
import { simulationSchema } from '../../model/topology';
import type { ValidationError } from '../../model/errors';
import { setMeta, setSimulationAt, type FieldPath } from '../../state/graphEdits';
import { selectTopology, selectValidation } from '../../state/selectors';
import { useStudio } from '../../state/studioStore';
import { ProblemList, Section, TextInput } from './InspectorParts';
import { jsonSchemaOf } from './jsonSchema';
import { SchemaForm } from './SchemaForm';

function pick(e: ValidationError) {
  const s = useStudio.getState();
  if (e.nodeId !== undefined) s.setSelection([e.nodeId], []);
  else if (e.edgeId !== undefined) s.setSelection([], [e.edgeId]);
}

export function TopologyInspector() {
  const topology = useStudio(selectTopology);
  const { errors } = useStudio(selectValidation);
  const schema = useMemo(() => jsonSchemaOf(simulationSchema), []);
  const onChange = useCallback((path: FieldPath, value: unknown) => useStudio.getState().edit((t) => setSimulationAt(t, path, value), `sim:${path.join('.')}`), []);
  return (
    <div className="inspector__body" data-inspecting="topology">
      <header className="inspector__header">
        <div className="inspector__heading">
          <h2 className="inspector__title">Topology</h2>
          <p className="inspector__subtitle">
            {topology.nodes.length} node{topology.nodes.length === 1 ? '' : 's'} · {topology.edges.length} connection{topology.edges.length === 1 ? '' : 's'}
          </p>
        </div>
      </header>
      <ProblemList errors={errors} onPick={pick} />
      <Section title="About">
        <TextInput
          id="topology-name"
          label="Name"
          value={topology.name}
          maxLength={200}
          onChange={(v) => useStudio.getState().edit((t) => setMeta(t, { name: v }), 'meta:name')}
          errors={errors.filter((e) => e.path === 'name')}
        />
        <TextInput
          id="topology-description"
          label="Description"
          value={topology.description ?? ''}
          placeholder="What this topology shows"
          multiline
          maxLength={10_000}
          onChange={(v) => useStudio.getState().edit((t) => setMeta(t, { description: v }), 'meta:description')}
        />
      </Section>
      <Section title="Simulation">
        <SchemaForm schema={schema} value={topology.simulation} errors={errors} errorPath="simulation" onChange={onChange} idBase="sim" />
      </Section>
    </div>
  );
}

/** The inspector when several things are selected. */
export function MultiInspector({ nodes, edges }: { nodes: number; edges: number }) {
  return (
    <div className="inspector__body" data-inspecting="many">
      <header className="inspector__header">
        <div className="inspector__heading">
          <h2 className="inspector__title">
            {nodes + edges} selected
          </h2>
          <p className="inspector__subtitle">
            {nodes} node{nodes === 1 ? '' : 's'} · {edges} connection{edges === 1 ? '' : 's'}
          </p>
        </div>
      </header>
      <p className="inspector__muted inspector__pad">Copy, duplicate or delete them together, or drag them as a group. Select one to edit its settings.</p>
    </div>
  );
}
