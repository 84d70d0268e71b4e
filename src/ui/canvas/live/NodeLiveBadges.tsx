/**
 * Live badges of one node: message rate, messages in (or out, for a source), queue depth, busy workers,
 * errors, the pattern's state word (a breaker's `open`) and, for dead-letter channels, messages held.
 * Subscribes to its own node's figures in the live store, so a frame re-renders only the badges whose text
 * changed — and only while the node is on screen and the zoom makes the text readable (off screen or
 * zoomed out, it draws nothing and reads nothing).
 */
import { useStore as useFlowStore } from '@xyflow/react';
import { useCallback } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { useLive, type LiveState } from '../../../state/frameStore';
import { formatCount, nodeDetailVisible, selectNodeBadge } from './liveSelectors';
import './live.css';

const none = () => null;

export function NodeLiveBadges({ nodeId }: { nodeId: string }) {
  const visible = useFlowStore(useCallback((s) => nodeDetailVisible(s, nodeId), [nodeId]));
  const select = useCallback((s: LiveState) => selectNodeBadge(s, nodeId), [nodeId]);
  const b = useLive(useShallow(visible ? select : none));
  if (!b) return null;
  const verb = b.out ? 'sent' : 'received';
  const title =
    `${b.rate} msg/s ${verb} · ${b.received} ${verb} · queue ${b.depth} · busy ${b.busy}` +
    (b.errors ? ` · ${b.errors} failed/dead-lettered/dropped` : '') +
    (b.held >= 0 ? ` · ${b.held} held` : '');
  return (
    <div
      className="live-badges"
      data-testid="live-badges"
      data-node={nodeId}
      data-received={b.out ? 0 : b.received}
      data-depth={b.depth}
      title={title}
    >
      <span className="live-badge live-badge--rate">{b.rate}/s</span>
      <span className="live-badge" aria-label={`${b.received} ${verb}`}>
        {b.out ? 'out' : 'in'} {formatCount(b.received)}
      </span>
      {b.depth > 0 && <span className="live-badge live-badge--queue">q {formatCount(b.depth)}</span>}
      {b.busy > 0 && <span className="live-badge live-badge--busy">busy {b.busy}</span>}
      {b.held >= 0 && <span className="live-badge live-badge--held">held {formatCount(b.held)}</span>}
      {b.errors > 0 && <span className="live-badge live-badge--error">✕ {formatCount(b.errors)}</span>}
      {b.state && (
        <span className={`live-badge live-badge--state live-badge--state-${b.state}`}>{b.state}</span>
      )}
    </div>
  );
}
