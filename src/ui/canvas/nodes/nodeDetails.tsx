/**
 * The one- or two-line summary a node shows under its title, per kind (with a family fallback). It reads
 * the config with defaults applied, so a node shows what will actually run.
 */
import type { ReactNode } from 'react';
import type { CatalogEntry } from '../../../model/catalog';
import { MessageKindBadge, isMessageKind } from '../../messageKinds';

type Config = Record<string, unknown>;

const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
const fmt = (n: number) => (Math.abs(n) >= 10_000 ? `${+(n / 1000).toFixed(1)}k` : `${+n.toFixed(2)}`);

/** A short text for a distribution value: `exp(10 ms)`, `U(0–20 ms)`, … */
export function distributionText(d: unknown): string {
  if (!d || typeof d !== 'object') return '';
  const v = d as Record<string, unknown>;
  const a = (k: string) => fmt(num(v[k]) ?? 0);
  switch (v.dist) {
    case 'constant':
      return `${a('value')} ms`;
    case 'exponential':
      return `exp(${a('mean')} ms)`;
    case 'uniform':
      return `U(${a('min')}–${a('max')} ms)`;
    case 'normal':
      return `N(${a('mean')}, σ ${a('stddev')} ms)`;
    case 'lognormal':
      return `logN(${a('mean')}, σ ${a('stddev')} ms)`;
    default:
      return String(v.dist ?? '');
  }
}

const DETAILS: Record<string, (c: Config) => ReactNode> = {
  producer: (c) => {
    const m = (c.message ?? {}) as Config;
    const kind = isMessageKind(m.kind) ? m.kind : 'command';
    return (
      <>
        <MessageKindBadge kind={kind} text={typeof m.type === 'string' ? m.type : undefined} />
        <span className="node__meta">
          {fmt(num(c.rate) ?? 0)} msg/s · {String(c.arrival ?? '')}
        </span>
      </>
    );
  },
  'service-activator': (c) => {
    const workers = num(c.concurrency) ?? 1;
    const fail = num(c.failureRate) ?? 0;
    return (
      <span className="node__meta">
        {workers} worker{workers === 1 ? '' : 's'} · {distributionText(c.serviceTime)}
        {fail > 0 ? ` · ${+(fail * 100).toFixed(1)}% fail` : ''}
      </span>
    );
  },
  'point-to-point': (c) => {
    const cap = num(c.capacity);
    return <span className="node__meta">{cap !== undefined ? `capacity ${fmt(cap)} · ${String(c.overflow)} when full` : 'unbounded queue'}</span>;
  },
  'publish-subscribe': (c) => <span className="node__meta">topic from {c.topicFrom === 'header' ? `header “${String(c.topicHeader)}”` : 'message type'}</span>,
  'dead-letter': (c) => <span className="node__meta">keeps up to {fmt(num(c.capacity) ?? 0)}</span>,
  sink: () => <span className="node__meta">completes messages</span>,
  'content-based-router': (c) => {
    const rules = Array.isArray(c.rules) ? c.rules.length : 0;
    return (
      <span className="node__meta">
        {rules} rule{rules === 1 ? '' : 's'} · {String(c.mode ?? '')}
      </span>
    );
  },
  'message-filter': (c) => (
    <span className="node__meta node__meta--code" title={String(c.when ?? '')}>
      {c.action === 'discard' ? 'drop if ' : 'keep if '}
      {String(c.when ?? '')}
    </span>
  ),
  'recipient-list': (c) => {
    const n = Array.isArray(c.recipients) ? c.recipients.length : 0;
    return (
      <span className="node__meta">
        {n} recipient{n === 1 ? '' : 's'}
        {c.dynamic && c.dynamic !== 'none' ? ` + dynamic (${String(c.dynamic)})` : ''}
      </span>
    );
  },
};

/** A producer's message kind (for the node's accent), or undefined for other kinds. */
export function producedKind(entry: CatalogEntry | undefined, config: Config | undefined) {
  if (!entry || !config) return undefined;
  const m = config.message as Config | undefined;
  return m && isMessageKind(m.kind) ? m.kind : undefined;
}

/** The summary of a node, or null when its kind has none (or its config does not parse). */
export function nodeDetails(entry: CatalogEntry | undefined, config: Config | undefined): ReactNode {
  if (!entry || !config) return null;
  const render = DETAILS[entry.kind];
  return render ? render(config) : null;
}
