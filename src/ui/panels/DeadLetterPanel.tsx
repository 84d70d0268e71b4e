/**
 * Dead-letter inspector: for each dead-letter channel of the run, the messages it holds (newest first)
 * with their reason, the node they failed at and when, counts by reason, and reprocessing of one message
 * or all of them (sent back to the node where each failed).
 */
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { MESSAGE_KINDS } from '../../model/message';
import { workerDeadLettersOptions } from '../../queries/workerMessageOptions';
import { useFrames } from '../../state/frameStore';
import { runClient } from '../../state/run/runClient';
import { useStudio } from '../../state/studioStore';
import type { DeadLetterItem, RunInfo } from '../../worker/frames';
import { MessageKindBadge } from '../messageKinds';
import { NodeTabs } from './NodeTabs';

export function DeadLetterPanel() {
  const info = useFrames((s) => s.info);
  const dlqs = info?.nodes.filter((n) => n.kind === 'dead-letter') ?? [];
  const [picked, setPicked] = useState<string | null>(null);
  if (!info) return <p className="panel-empty">Run the topology to inspect its dead-letter channels.</p>;
  if (!dlqs.length)
    return (
      <p className="panel-empty">
        This topology has no dead-letter channel. Add one from the palette and connect failure ports to it.
      </p>
    );
  const nodeId = picked && dlqs.some((d) => d.id === picked) ? picked : dlqs[0].id;
  return (
    <div className="dlq" data-testid="dead-letter-panel">
      <NodeTabs nodes={dlqs} selected={nodeId} onSelect={setPicked} label="Dead-letter channels" />
      <DeadLetterChannel key={`${info.runId}:${nodeId}`} info={info} nodeId={nodeId} />
    </div>
  );
}

function DeadLetterChannel({ info, nodeId }: { info: RunInfo; nodeId: string }) {
  const { running, held } = useFrames(
    useShallow((s) => {
      const i = s.nodeIndex.get(nodeId) ?? -1;
      return {
        running: s.frame?.state === 'running',
        held: i >= 0 ? (s.frame?.views[i]?.figures?.held ?? 0) : 0,
      };
    }),
  );
  const client = useQueryClient();
  const q = useQuery(workerDeadLettersOptions(info.runId, nodeId, running));
  // refetch when what the channel holds changed while paused (a step, a reprocess)
  useEffect(() => {
    if (!running) void client.invalidateQueries({ queryKey: ['worker', 'dead-letters', info.runId, nodeId] });
  }, [held, running, client, info.runId, nodeId]);
  const reprocess = async (id: string | null) => {
    const c = runClient.current();
    if (!c) return;
    const api = (await c).api;
    const n = id === null ? await api.reprocessAll(nodeId) : await api.reprocess(nodeId, id);
    useStudio.getState().toast?.(`${n} message${n === 1 ? '' : 's'} sent back for reprocessing`, 'success');
    await client.invalidateQueries({ queryKey: ['worker', 'dead-letters', info.runId, nodeId] });
  };
  const page = q.data;
  return (
    <div className="dlq__channel">
      <div className="panel-toolbar">
        <strong>{nodeId}</strong>
        <span className="panel-hint" data-testid="dlq-total">
          {page ? `${page.total.toLocaleString('en')} held · ${page.reprocessed} reprocessed` : '…'}
        </span>
        {page &&
          Object.entries(page.byReason).map(([reason, n]) => (
            <span key={reason} className="dlq__reason" data-testid={`dlq-reason-${reason}`}>
              {reason} <b>{n}</b>
            </span>
          ))}
        <button
          type="button"
          className="panel-btn"
          data-testid="dlq-reprocess-all"
          disabled={!page?.total}
          onClick={() => void reprocess(null)}
        >
          Reprocess all
        </button>
      </div>
      {q.isError && <p className="panel-empty">Could not read the channel: {String(q.error)}</p>}
      {page && page.items.length === 0 && (
        <p className="panel-empty">No messages here. Failed messages arrive with their reason and origin.</p>
      )}
      {page && page.items.length > 0 && (
        <div className="dlq__table-wrap">
          <table className="dlq__table">
            <thead>
              <tr>
                <th>message</th>
                <th>type</th>
                <th>reason</th>
                <th>failed at</th>
                <th>arrived (ms)</th>
                <th>detail</th>
                <th>payload</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {page.items.map((it) => (
                <DeadLetterRow key={it.id} item={it} onReprocess={() => void reprocess(it.id)} />
              ))}
            </tbody>
          </table>
          {page.total > page.items.length && (
            <p className="panel-hint">
              Showing the newest {page.items.length} of {page.total.toLocaleString('en')}.
            </p>
          )}
        </div>
      )}
    </div>
  );
}

function DeadLetterRow({ item, onReprocess }: { item: DeadLetterItem; onReprocess(): void }) {
  const kind = MESSAGE_KINDS.find((k) => k === item.kind) ?? 'document';
  return (
    <tr data-testid="dlq-row">
      <td className="mono">{item.id}</td>
      <td>
        <MessageKindBadge kind={kind} text={item.type} />
      </td>
      <td>
        <span className="dlq__reason">{item.reason}</span>
      </td>
      <td className="mono">{item.origin || '–'}</td>
      <td className="mono">{item.at.toFixed(3)}</td>
      <td>{item.detail ?? ''}</td>
      <td className="mono dlq__payload" title={item.payload}>
        {item.payload}
      </td>
      <td>
        <button
          type="button"
          className="panel-btn panel-btn--small"
          onClick={onReprocess}
          title="Send it back to the node where it failed"
        >
          Reprocess
        </button>
      </td>
    </tr>
  );
}
