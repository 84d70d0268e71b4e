/**
 * Audit panel: the audit log of an access-control node of the run — time, principal, operation, topic,
 * decision and the rule that decided — paged (oldest kept first), filtered by decision, with the policy in
 * force and an export of the whole kept log as JSON. Picking a message id shows it in the trace.
 */
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { auditPageOptions, workerApi } from '../../queries/resilienceOptions';
import { useFrames } from '../../state/frameStore';
import { useStudio } from '../../state/studioStore';
import type { RunInfo } from '../../worker/frames';
import { download } from './eventsourcing/useEventSourcingNodes';
import { usePanelRequest } from './panelRequest';
import { pickMessage } from './pickMessage';
import './resilience.css';
import { NodeTabs } from './NodeTabs';

const PAGE = 50;

export function AuditPanel() {
  const info = useFrames((s) => s.info);
  const gates = info?.nodes.filter((n) => n.kind === 'access-control') ?? [];
  const [picked, setPicked] = useState<string | null>(null);
  // the inspector's "Open the audit log" names the node it was opened for
  const focus = usePanelRequest((r) => (r.tab === 'audit' ? r.focus : null));
  if (!info) return <p className="panel-empty">Run the topology to read the audit log of its access-control nodes.</p>;
  if (!gates.length) return <p className="panel-empty">This topology has no access-control node. Add one from the palette (Security) to audit who may publish, subscribe or consume what.</p>;
  const known = (id: string | null) => id !== null && gates.some((g) => g.id === id);
  const nodeId = known(picked) ? picked! : known(focus) ? focus! : gates[0].id;
  return (
    <div className="audit" data-testid="audit-panel">
      <NodeTabs nodes={gates} selected={nodeId} onSelect={setPicked} label="Access-control nodes" />
      <AuditLog key={`${info.runId}:${nodeId}`} info={info} nodeId={nodeId} />
    </div>
  );
}

function AuditLog({ info, nodeId }: { info: RunInfo; nodeId: string }) {
  const { running, logged, policy } = useFrames(
    useShallow((s) => {
      const i = s.nodeIndex.get(nodeId) ?? -1;
      const view = i >= 0 ? s.frame?.views[i] : null;
      return { running: s.frame?.state === 'running', logged: view?.figures?.audit ?? 0, policy: view?.state ?? '' };
    }),
  );
  const [decision, setDecision] = useState<'allow' | 'deny' | null>(null);
  const [offset, setOffset] = useState(0);
  const q = useQuery(auditPageOptions(info.runId, nodeId, { offset, limit: PAGE, decision }, running, logged));
  const page = q.data;
  const entries = page?.entries ?? [];

  const exportJson = async () => {
    try {
      const text = await (await workerApi()).exportAudit(nodeId);
      download(`audit-${nodeId}-run${info.runId}.json`, text, 'application/json');
    } catch (err) {
      useStudio.getState().toast(`Could not export the audit log: ${err instanceof Error ? err.message : String(err)}`, 'error');
    }
  };

  return (
    <div className="dlq__channel">
      <div className="panel-toolbar">
        <label className="panel-check" htmlFor={`audit-decision-${nodeId}`}>
          Decision
        </label>
        <select
          id={`audit-decision-${nodeId}`}
          className="panel-input"
          value={decision ?? ''}
          onChange={(e) => {
            setDecision(e.target.value === '' ? null : (e.target.value as 'allow' | 'deny'));
            setOffset(0);
          }}
          data-testid="audit-decision"
        >
          <option value="">all</option>
          <option value="allow">allowed</option>
          <option value="deny">denied</option>
        </select>
        <span className="panel-hint" data-testid="audit-count">
          {page ? `${page.total.toLocaleString('en')} decisions logged · ${page.kept.toLocaleString('en')} kept` : '…'}
          {policy ? ` · ${policy} in force` : ''}
        </span>
        <span className="audit__pager">
          <button type="button" className="panel-btn panel-btn--small" disabled={offset === 0} onClick={() => setOffset(Math.max(0, offset - PAGE))} aria-label="Previous page">
            ‹
          </button>
          <span className="panel-hint">
            {entries.length ? `${offset + 1}–${offset + entries.length}` : '0'}
          </span>
          <button type="button" className="panel-btn panel-btn--small" disabled={entries.length < PAGE} onClick={() => setOffset(offset + PAGE)} aria-label="Next page">
            ›
          </button>
        </span>
        <button type="button" className="panel-btn" onClick={() => void exportJson()} data-testid="audit-export">
          Export JSON
        </button>
      </div>
      <div className="dlq__table-wrap">
        <table className="dlq__table audit__table" aria-label={`Audit log of ${nodeId}`}>
          <thead>
            <tr>
              <th scope="col">#</th>
              <th scope="col">time</th>
              <th scope="col">principal</th>
              <th scope="col">operation</th>
              <th scope="col">topic</th>
              <th scope="col">decision</th>
              <th scope="col">rule</th>
              <th scope="col">message</th>
            </tr>
          </thead>
          <tbody>
            {entries.map((e) => (
              <tr key={e.seq} data-testid="audit-row" data-decision={e.decision}>
                <td className="mono">{e.seq}</td>
                <td className="mono">{(e.at / 1000).toFixed(3)} s</td>
                <td>{e.principal}</td>
                <td>{e.operation}</td>
                <td className="mono">{e.topic || '–'}</td>
                <td>
                  <span className={`audit__decision audit__decision--${e.decision}`}>{e.decision}</span>
                </td>
                <td className="mono">
                  {e.rule}
                  {e.policy > 0 ? <span className="panel-hint"> (policy {e.policy})</span> : null}
                </td>
                <td>
                  <button type="button" className="inv-offender" onClick={() => pickMessage(e.messageId)} title="Show this message in the trace">
                    {e.messageId}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {page && entries.length === 0 && <p className="panel-empty">No {decision === 'deny' ? 'denials' : decision === 'allow' ? 'allowed decisions' : 'decisions'} logged yet.</p>}
      </div>
    </div>
  );
}
