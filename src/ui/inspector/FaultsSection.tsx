/**
 * The inspector's fault editor for the selected node or edge: the topology's faults that target it, each
 * with its type, window (`at`, `for`) and parameters in a form generated from the model's zod schema of that
 * fault type, validated like every edit (errors on the field), stored in the topology so it exports and
 * undoes like any edit. While a run is loaded, a switch per fault turns it on or off now (the worker adds a
 * fault the run did not have yet), and shows whether it is on at the current virtual time.
 */
import { useCallback, useMemo, useState } from 'react';
import type { z } from 'zod';
import { EDGE_FAULT_TYPES, NODE_FAULT_TYPES, edgeFaultSchemas, nodeFaultSchemas, type FaultSpec, type FaultType } from '../../model/faults';
import { addFault, changeFaultType, faultsOf, newFault, removeFault, replaceFault, type FaultTarget } from '../../state/faultEdits';
import { useLive, type LiveState } from '../../state/frameStore';
import { setIn, type FieldPath } from '../../state/graphEdits';
import { runClient } from '../../state/run/runClient';
import { selectValidation } from '../../state/selectors';
import { useStudio, type StudioState } from '../../state/studioStore';
import { Bolt } from '../canvas/live/FaultMarks';
import { Icon } from '../shell/Icon';
import { Section } from './InspectorParts';
import { jsonSchemaOf, type JsonSchema } from './jsonSchema';
import { SchemaForm } from './SchemaForm';
import './resilience.css';

/** What each fault type does, in a line. */
export const FAULT_TYPE_INFO: Record<FaultType, string> = {
  crash: 'the node is down: in-flight work is lost or redelivered, nothing is taken',
  pause: 'the node stops taking messages; they wait and arrive when it resumes',
  slow: 'the node’s service times and timers are multiplied',
  error: 'a share of the node’s calls fail',
  latency: 'each message is delayed by a drawn extra time',
  drop: 'a share of the messages is lost on the way',
  duplicate: 'a share of the messages arrives twice (same id)',
  reorder: 'a share of the messages is held back so later ones overtake it',
  partition: 'nothing gets through (dropped, or held until it heals)',
};

const formSchemas = new Map<FaultType, JsonSchema>();

/** The form of a fault type: its zod schema without target and type (those are set by the editor). */
function formSchemaOf(type: FaultType): JsonSchema {
  let s = formSchemas.get(type);
  if (!s) {
    const variant = ([...edgeFaultSchemas, ...nodeFaultSchemas] as readonly z.ZodObject[]).find((v) => (v.shape.type as z.ZodLiteral).value === type)!;
    s = jsonSchemaOf(variant.omit({ target: true, type: true }));
    formSchemas.set(type, s);
  }
  return s;
}

const seconds = (ms: number) => (ms % 1000 === 0 ? `${ms / 1000} s` : `${+ms.toFixed(1)} ms`);

/** "from 2 s for 3 s", "from the start to the end". */
export function windowText(f: Pick<FaultSpec, 'at' | 'for'>): string {
  const at = f.at ?? 0;
  const from = at === 0 ? 'from the start' : `from ${seconds(at)}`;
  return f.for === undefined ? `${from} to the end` : `${from} for ${seconds(f.for)}`;
}

const selectRunLoaded = (s: StudioState) => s.runTopology !== null && (s.runStatus === 'paused' || s.runStatus === 'running');
const selectActiveIds = (s: LiveState) => s.frame?.faults?.active.map((a) => a.id).join('\n') ?? '';

export function FaultsSection({ target }: { target: FaultTarget }) {
  const kind = 'node' in target ? 'node' : 'edge';
  const targetIdValue = 'node' in target ? target.node : target.edge;
  const topology = useStudio((s) => s.topology);
  const faults = useMemo(() => faultsOf(topology, kind === 'node' ? { node: targetIdValue } : { edge: targetIdValue }), [topology, kind, targetIdValue]);
  const { errors } = useStudio(selectValidation);
  const runLoaded = useStudio(selectRunLoaded);
  const activeIds = useLive(selectActiveIds);
  const active = useMemo(() => new Set(activeIds ? activeIds.split('\n') : []), [activeIds]);
  const types = kind === 'node' ? NODE_FAULT_TYPES : EDGE_FAULT_TYPES;
  const [newType, setNewType] = useState<FaultType>(types[0]);
  const [open, setOpen] = useState<string | null>(null);

  const add = () => {
    const t = useStudio.getState().topology;
    const f = newFault(t, kind === 'node' ? { node: targetIdValue } : { edge: targetIdValue }, newType);
    useStudio.getState().edit((cur) => addFault(cur, f));
    setOpen(f.id);
  };

  return (
    <Section title="Faults" aside={<span className="fault-count">{faults.length || ''}</span>}>
      <div className="faults" data-testid="faults-section">
        {faults.length === 0 && (
          <p className="inspector__muted">No faults. Break this {kind === 'node' ? 'node' : 'connection'} on purpose, reproducibly by seed, and watch which patterns keep their guarantees.</p>
        )}
        {faults.map(({ fault, index }) => (
          <FaultCard
            key={index}
            fault={fault}
            index={index}
            errors={errors}
            isOpen={open === fault.id}
            onToggleOpen={() => setOpen((o) => (o === fault.id ? null : fault.id))}
            runLoaded={runLoaded}
            on={active.has(fault.id)}
            types={types}
          />
        ))}
        <div className="faults__add">
          <label className="visually-hidden" htmlFor={`fault-new-${targetIdValue}`}>
            Type of the new fault
          </label>
          <select id={`fault-new-${targetIdValue}`} className="input select" value={newType} onChange={(e) => setNewType(e.target.value as FaultType)} data-testid="fault-new-type">
            {types.map((t) => (
              <option key={t} value={t}>
                {t}
              </option>
            ))}
          </select>
          <button type="button" className="button button--small" onClick={add} data-testid="fault-add">
            <Icon name="plus" size={14} /> Add fault
          </button>
        </div>
        <p className="field__hint">{FAULT_TYPE_INFO[newType]}.</p>
      </div>
    </Section>
  );
}

function FaultCard(props: {
  fault: FaultSpec;
  index: number;
  errors: ReturnType<typeof selectValidation>['errors'];
  isOpen: boolean;
  onToggleOpen(): void;
  runLoaded: boolean;
  on: boolean;
  types: readonly FaultType[];
}) {
  const { fault, index, isOpen, onToggleOpen, runLoaded, on, types } = props;
  const prefix = `faults[${index}]`;
  const errors = useMemo(() => props.errors.filter((e) => e.path === prefix || e.path?.startsWith(prefix + '.') || e.path?.startsWith(prefix + '[')), [props.errors, prefix]);
  const schema = formSchemaOf(fault.type);
  const onChange = useCallback(
    (path: FieldPath, value: unknown) =>
      useStudio.getState().edit((t) => {
        const cur = t.faults?.[index];
        return cur ? replaceFault(t, index, setIn(cur, path, value) as FaultSpec) : t;
      }, `fault:${index}:${path.join('.')}`),
    [index],
  );
  const setType = (type: FaultType) => useStudio.getState().edit((t) => (t.faults?.[index] ? replaceFault(t, index, changeFaultType(t.faults[index], type)) : t));
  const remove = () => useStudio.getState().edit((t) => removeFault(t, index));
  // the switch moves at once; the frame that follows confirms it (`on` changes, which ends the request)
  const [pending, setPending] = useState<{ value: boolean; base: boolean } | null>(null);
  const shown = pending !== null && pending.base === on ? pending.value : on;
  const toggle = async () => {
    const c = runClient.current();
    if (!c) return;
    const want = !shown;
    setPending({ value: want, base: on });
    try {
      const ok = await (await c).api.setFaultActive(fault.id, want, fault);
      if (!ok) {
        setPending(null);
        useStudio.getState().toast(`Fault “${fault.id}” is not in the loaded run`, 'info');
      }
    } catch (err) {
      setPending(null);
      useStudio.getState().toast(`Could not switch the fault: ${err instanceof Error ? err.message : String(err)}`, 'error');
    }
  };
  const bodyId = `fault-body-${index}`;
  const title = fault.label || fault.id;

  return (
    <article className={`fault-card ${on ? 'is-on' : ''} ${errors.length ? 'is-invalid' : ''}`} data-testid="fault-card" data-fault={fault.id} aria-label={`Fault ${title}`}>
      <div className="fault-card__head">
        <span className="fault-card__bolt" aria-hidden="true">
          <Bolt size={13} />
        </span>
        <select
          className="input select fault-card__type"
          value={fault.type}
          onChange={(e) => setType(e.target.value as FaultType)}
          aria-label={`Type of fault ${fault.id}`}
          title={FAULT_TYPE_INFO[fault.type]}
        >
          {types.map((t) => (
            <option key={t} value={t}>
              {t}
            </option>
          ))}
        </select>
        <span className="fault-card__spacer" />
        <button type="button" className="icon-button icon-button--small" onClick={onToggleOpen} aria-expanded={isOpen} aria-controls={bodyId} aria-label={`Edit fault ${fault.id}`}>
          <Icon name="pencil" size={14} />
        </button>
        <button type="button" className="icon-button icon-button--small icon-button--danger" onClick={remove} aria-label={`Remove fault ${fault.id}`}>
          <Icon name="trash" size={14} />
        </button>
      </div>
      <p className="fault-card__summary">
        <code>{fault.id}</code> · {windowText(fault)}
        {fault.label ? <span className="fault-card__label"> · {fault.label}</span> : null}
      </p>
      {errors.length > 0 && !isOpen && (
        <p className="fault-card__error" role="alert">
          {errors.length} problem{errors.length === 1 ? '' : 's'}: {errors[0].message}
        </p>
      )}
      {runLoaded && (
        <label className="fault-switch">
          <input type="checkbox" role="switch" checked={shown} onChange={() => void toggle()} aria-label={`Fault ${fault.id} on now`} data-testid="fault-toggle" />
          <span className="fault-switch__track" aria-hidden="true" />
          <span>{shown ? 'On now' : 'Off now'}</span>
          <span className="fault-switch__hint">switch it {shown ? 'off' : 'on'} in the running simulation</span>
        </label>
      )}
      {isOpen && (
        <div id={bodyId} className="fault-card__body">
          <SchemaForm schema={schema} value={fault as Record<string, unknown>} errors={errors} errorPath={prefix} onChange={onChange} idBase={`fault-${index}`} />
        </div>
      )}
    </article>
  );
}
