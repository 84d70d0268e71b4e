/**
 * Invariants panel: the topology's invariants with their live status — ok, violated, pending (nothing
 * checked yet) or not run (added since the run was loaded) — what was checked, and for a violated one its
 * first offending messages (picking one selects it in the trace). Beside the list, a form adds an invariant
 * of any kind the model knows; each row can be removed. Invariants are part of the topology: they export,
 * undo and apply on the next reset like any edit.
 */
import { useQuery } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { invariantSchema, type InvariantKind, type InvariantSpec } from '../../model/faults';
import { invariantResultsOptions } from '../../queries/resilienceOptions';
import { addInvariant, newInvariantId, removeInvariant } from '../../state/faultEdits';
import { useFrames } from '../../state/frameStore';
import { useStudio } from '../../state/studioStore';
import type { InvariantStatus } from '../../worker/frames';
import { Icon } from '../shell/Icon';
import { pickMessage } from './pickMessage';
import './resilience.css';

/** The invariant kinds of the model, in its order. */
export const INVARIANT_KINDS: readonly InvariantKind[] = invariantSchema.options.map((o) => o.shape.kind.value);

const KIND_TITLES: Record<InvariantKind, string> = {
  'no-loss': 'No loss',
  'exactly-once': 'Exactly once',
  'order-per-key': 'Order per key',
  latency: 'Latency bound',
};

/** What an invariant promises, in words. */
export function invariantText(inv: InvariantSpec): string {
  switch (inv.kind) {
    case 'no-loss':
      return `every message from ${inv.from} reaches ${inv.to}`;
    case 'exactly-once':
      return `no ${inv.key ?? 'correlationId'} is processed twice at ${inv.at}`;
    case 'order-per-key':
      return `messages of one ${inv.key ?? 'correlationId'} arrive at ${inv.at} in order${inv.sequence ? ` of ${inv.sequence}` : ''}`;
    case 'latency':
      return `p${inv.percentile ?? 99} ${inv.measure === 'node' ? 'time at' : 'end-to-end latency at'} ${inv.at} stays under ${inv.under} ms`;
  }
}

/** What a kind checks, in full (the row's tooltip). */
const KIND_HELP: Record<InvariantKind, string> = {
  'no-loss': 'Every conversation that leaves the first node by a success port reaches the second — or ends in a dead-letter channel or an explicit drop. Lost: it ended elsewhere, or an injected fault dropped it.',
  'exactly-once': 'No key is processed twice at the node (processed: left by a success port, or completed).',
  'order-per-key': 'Per key, messages arrive at the node in non-decreasing sequence (default: the order their conversations started).',
  latency: 'The percentile of latency at the node (end to end, or time spent at the node) stays under the bound.',
};

type StatusWord = 'ok' | 'violated' | 'pending' | 'not-run' | 'idle';

function statusOf(st: InvariantStatus | undefined, hasRun: boolean): StatusWord {
  if (!hasRun) return 'idle';
  if (!st) return 'not-run';
  if (!st.ok) return 'violated';
  return st.checked === 0 ? 'pending' : 'ok';
}

const STATUS_TEXT: Record<StatusWord, string> = { ok: 'ok', violated: 'violated', pending: 'pending', 'not-run': 'not in run', idle: 'not run' };

function figures(st: InvariantStatus | undefined): string {
  if (!st) return '';
  const parts = [`${st.checked.toLocaleString('en')} checked`];
  if (st.violations) parts.push(`${st.violations.toLocaleString('en')} violation${st.violations === 1 ? '' : 's'}`);
  if (st.pending) parts.push(`${st.pending.toLocaleString('en')} on their way`);
  if (st.observed !== undefined) parts.push(`observed ${+st.observed.toFixed(2)} ms`);
  return parts.join(' · ');
}

export function InvariantsPanel() {
  const invariants = useStudio((s) => s.topology.invariants);
  const { runId, statuses } = useFrames(useShallow((s) => ({ runId: s.info?.runId ?? -1, statuses: s.frame?.invariants ?? null })));
  const hasRun = runId >= 0;
  const byId = useMemo(() => new Map((statuses ?? []).map((st) => [st.id, st])), [statuses]);
  const [open, setOpen] = useState<string | null>(null);
  // the first offenders change only when a count below 10 changes: key the query on the capped counts
  const version = (statuses ?? []).map((st) => Math.min(st.violations, 10)).join(',');
  const list = invariants ?? [];
  const violated = list.filter((inv) => statusOf(byId.get(inv.id), hasRun) === 'violated').length;

  return (
    <div className="invariants" data-testid="invariants-panel">
      <div className="invariants__list">
        <div className="panel-toolbar">
          <span className="panel-hint" data-testid="invariants-summary">
            {list.length === 0
              ? 'No invariants yet: add the guarantees this topology must keep.'
              : !hasRun
                ? `${list.length} invariant${list.length === 1 ? '' : 's'} · run the topology to check ${list.length === 1 ? 'it' : 'them'}`
                : violated
                  ? `${violated} of ${list.length} violated`
                  : `${list.length} invariant${list.length === 1 ? '' : 's'}, none violated`}
          </span>
        </div>
        {list.length > 0 && (
          <ul className="inv-rows" aria-label="Invariants">
            {list.map((inv, index) => {
              const st = byId.get(inv.id);
              const word = statusOf(st, hasRun);
              const expanded = open === inv.id && word === 'violated';
              return (
                <li key={`${index}:${inv.id}`} className={`inv-row inv-row--${word}`} data-testid="invariant-row" data-invariant={inv.id} data-status={word}>
                  <div className="inv-row__main">
                    <span className={`inv-status inv-status--${word}`} data-testid="invariant-status">
                      {STATUS_TEXT[word]}
                    </span>
                    <div className="inv-row__text">
                      <strong>{inv.label || KIND_TITLES[inv.kind]}</strong> <code className="inv-row__id">{inv.id}</code>
                      <span className="inv-row__what" title={KIND_HELP[inv.kind]}>
                        {invariantText(inv)}
                      </span>
                      {st && <span className="inv-row__figures">{figures(st)}</span>}
                    </div>
                    {word === 'violated' && (
                      <button
                        type="button"
                        className="panel-btn panel-btn--small"
                        aria-expanded={expanded}
                        onClick={() => setOpen(expanded ? null : inv.id)}
                        data-testid="invariant-offenders-toggle"
                      >
                        {expanded ? 'Hide' : 'First offenders'}
                      </button>
                    )}
                    <button
                      type="button"
                      className="icon-button icon-button--small icon-button--danger"
                      aria-label={`Remove invariant ${inv.id}`}
                      onClick={() => useStudio.getState().edit((t) => removeInvariant(t, index))}
                    >
                      <Icon name="trash" size={14} />
                    </button>
                  </div>
                  {expanded && <Offenders runId={runId} version={version} id={inv.id} />}
                </li>
              );
            })}
          </ul>
        )}
      </div>
      <InvariantForm />
    </div>
  );
}

/** The first offending messages of one invariant, from the worker. */
function Offenders({ runId, version, id }: { runId: number; version: string; id: string }) {
  const q = useQuery(invariantResultsOptions(runId, version));
  const result = q.data?.find((r) => r.id === id);
  if (q.isPending) return <p className="panel-empty">Loading…</p>;
  if (!result) return <p className="panel-empty">The run no longer has this invariant.</p>;
  return (
    <ol className="inv-offenders" aria-label={`First offending messages of ${id}`}>
      {result.first.map((v, k) => (
        <li key={k}>
          <button type="button" className="inv-offender" onClick={() => pickMessage(v.message)} title="Show this message in the trace" data-testid="invariant-offender">
            {v.message}
          </button>
          <span className="inv-offender__at">{(v.at / 1000).toFixed(3)} s</span>
          {v.key !== undefined && <code className="inv-offender__key">{String(v.key)}</code>}
          <span className="inv-offender__detail" title={v.detail}>
            {v.detail}
          </span>
        </li>
      ))}
      {result.violations > result.first.length && <li className="inv-offenders__more">… and {(result.violations - result.first.length).toLocaleString('en')} more</li>}
    </ol>
  );
}

/** The form that adds an invariant. */
function InvariantForm() {
  const nodes = useStudio((s) => s.topology.nodes);
  const [kind, setKind] = useState<InvariantKind>('no-loss');
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [at, setAt] = useState('');
  const [key, setKey] = useState('');
  const [under, setUnder] = useState('');
  const [percentile, setPercentile] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const pick = (v: string) => v || nodes[0]?.id || '';

  const spec = (): InvariantSpec | string => {
    const t = useStudio.getState().topology;
    const id = newInvariantId(t, kind);
    const raw: Record<string, unknown> = { id, kind };
    if (kind === 'no-loss') {
      raw.from = pick(from);
      raw.to = to || nodes[nodes.length - 1]?.id || '';
    } else raw.at = pick(at);
    if ((kind === 'exactly-once' || kind === 'order-per-key') && key.trim()) raw.key = key.trim();
    if (kind === 'latency') {
      raw.under = under.trim() === '' ? undefined : Number(under);
      if (percentile.trim()) raw.percentile = Number(percentile);
    }
    const r = invariantSchema.safeParse(raw);
    if (!r.success) {
      const issue = r.error.issues[0];
      return `${issue.path.join('.') || 'invariant'}: ${issue.message}`;
    }
    return raw as InvariantSpec;
  };

  const add = () => {
    const s = spec();
    if (typeof s === 'string') return setProblem(s);
    setProblem(null);
    useStudio.getState().edit((t) => addInvariant(t, s));
  };

  const nodeSelect = (id: string, label: string, value: string, set: (v: string) => void, fallback: string | undefined) => (
    <label className="inv-form__field" htmlFor={id}>
      <span>{label}</span>
      <select id={id} className="panel-input" value={value || fallback || ''} onChange={(e) => set(e.target.value)}>
        {nodes.map((n) => (
          <option key={n.id} value={n.id}>
            {n.label ? `${n.label} (${n.id})` : n.id}
          </option>
        ))}
      </select>
    </label>
  );

  return (
    <form
      className="inv-form"
      aria-label="Add an invariant"
      data-testid="invariant-form"
      onSubmit={(e) => {
        e.preventDefault();
        add();
      }}
    >
      <h4>Add an invariant</h4>
      <label className="inv-form__field" htmlFor="inv-kind">
        <span>Kind</span>
        <select id="inv-kind" className="panel-input" value={kind} onChange={(e) => setKind(e.target.value as InvariantKind)}>
          {INVARIANT_KINDS.map((k) => (
            <option key={k} value={k}>
              {KIND_TITLES[k]}
            </option>
          ))}
        </select>
      </label>
      {kind === 'no-loss' ? (
        <>
          {nodeSelect('inv-from', 'From', from, setFrom, nodes[0]?.id)}
          {nodeSelect('inv-to', 'To', to, setTo, nodes[nodes.length - 1]?.id)}
        </>
      ) : (
        nodeSelect('inv-at', 'At', at, setAt, nodes[0]?.id)
      )}
      {(kind === 'exactly-once' || kind === 'order-per-key') && (
        <label className="inv-form__field" htmlFor="inv-key">
          <span>Key</span>
          <input id="inv-key" className="panel-input mono" value={key} placeholder="correlationId" onChange={(e) => setKey(e.target.value)} spellCheck={false} />
        </label>
      )}
      {kind === 'latency' && (
        <>
          <label className="inv-form__field" htmlFor="inv-under">
            <span>Under (ms)</span>
            <input id="inv-under" className="panel-input" inputMode="decimal" value={under} placeholder="required" onChange={(e) => setUnder(e.target.value)} />
          </label>
          <label className="inv-form__field" htmlFor="inv-pct">
            <span>Percentile</span>
            <input id="inv-pct" className="panel-input" inputMode="decimal" value={percentile} placeholder="99" onChange={(e) => setPercentile(e.target.value)} />
          </label>
        </>
      )}
      {problem && (
        <p className="inv-form__problem" role="alert">
          {problem}
        </p>
      )}
      <button type="submit" className="panel-btn" disabled={nodes.length === 0} data-testid="invariant-add">
        Add invariant
      </button>
    </form>
  );
}
