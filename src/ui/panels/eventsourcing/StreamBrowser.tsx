/**
 * The stored streams of one event store (paged from IndexedDB) and the selected stream: its events with
 * version, global position, schema version (marked when an upcaster rewrites it on read), time and
 * payload; its snapshots; and a slider for the aggregate's state at any version (asked of the run).
 */
import { useQuery } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import type { StoredEvent } from '../../../model/kinds/eventSourcing';
import {
  snapshotsOptions,
  stateAtOptions,
  streamEventsOptions,
  streamsPageOptions,
} from '../../../queries/eventStoreOptions';
import { jsonText, useRunOf } from './useEventSourcingNodes';

const STREAMS_PAGE = 50;
const EVENTS_PAGE = 50;

/** type → (from version → to version), from an event store's config as written. */
function upcastRules(config: Record<string, unknown>): Map<string, Map<number, number>> {
  const out = new Map<string, Map<number, number>>();
  const list = Array.isArray(config.upcasters)
    ? (config.upcasters as { type?: unknown; from?: unknown; to?: unknown }[])
    : [];
  for (const u of list) {
    if (typeof u.type !== 'string' || typeof u.from !== 'number' || typeof u.to !== 'number') continue;
    const m = out.get(u.type) ?? new Map<number, number>();
    if (!m.has(u.from)) m.set(u.from, u.to);
    out.set(u.type, m);
  }
  return out;
}

/** The version an event is read as (its own when no upcaster applies). */
function readVersion(rules: Map<string, Map<number, number>>, e: StoredEvent): number {
  const m = rules.get(e.type);
  let v = e.schemaVersion;
  for (let guard = 0; m && m.has(v) && guard < 100; guard++) v = m.get(v)!;
  return v;
}

export function StreamBrowser({
  store,
  nodeId,
  stamp,
  config,
}: {
  store: string;
  nodeId: string;
  stamp: string;
  config: Record<string, unknown>;
}) {
  const [prefix, setPrefix] = useState('');
  const [offset, setOffset] = useState(0);
  const [picked, setPicked] = useState<string | null>(null);
  const page = useQuery(streamsPageOptions(store, offset, STREAMS_PAGE, prefix, stamp));
  const rules = useMemo(() => upcastRules(config), [config]);
  const total = page.data?.total ?? 0;
  const selected = page.data?.items.find((s) => s.streamId === picked) ?? null;
  return (
    <div className="es__browser">
      <div className="es__streams" data-testid="es-streams">
        <div className="panel-toolbar">
          <input
            className="panel-input"
            placeholder="stream id starts with…"
            aria-label="Filter streams"
            value={prefix}
            onChange={(e) => {
              setPrefix(e.target.value);
              setOffset(0);
            }}
          />
          <span className="panel-hint" data-testid="es-stream-count">
            {total
              ? `${offset + 1}–${Math.min(offset + STREAMS_PAGE, total)} of ${total.toLocaleString('en')}`
              : 'no streams'}
          </span>
          <button
            type="button"
            className="panel-btn panel-btn--small"
            disabled={offset === 0}
            onClick={() => setOffset(Math.max(0, offset - STREAMS_PAGE))}
            aria-label="Previous streams"
          >
            ‹
          </button>
          <button
            type="button"
            className="panel-btn panel-btn--small"
            disabled={offset + STREAMS_PAGE >= total}
            onClick={() => setOffset(offset + STREAMS_PAGE)}
            aria-label="Next streams"
          >
            ›
          </button>
        </div>
        {page.isError && (
          <p className="panel-empty">Could not read the stored streams: {String(page.error)}</p>
        )}
        <ul className="es__stream-list">
          {page.data?.items.map((s) => (
            <li key={s.streamId}>
              <button
                type="button"
                className={`es__stream-btn${s.streamId === picked ? ' es__stream-btn--on' : ''}`}
                data-testid="es-stream"
                data-stream={s.streamId}
                onClick={() => setPicked(s.streamId)}
              >
                <span className="mono">{s.streamId}</span>
                <span className="panel-hint">v{s.version}</span>
              </button>
            </li>
          ))}
        </ul>
      </div>
      <div className="es__detail">
        {selected ? (
          <StreamDetail
            key={selected.streamId}
            store={store}
            nodeId={nodeId}
            streamId={selected.streamId}
            version={selected.version}
            stamp={stamp}
            rules={rules}
          />
        ) : (
          <p className="panel-empty">
            {total
              ? 'Pick a stream to see its events, snapshots and state.'
              : 'Streams appear here as the run persists them, and stay after a reload.'}
          </p>
        )}
      </div>
    </div>
  );
}

function StreamDetail(props: {
  store: string;
  nodeId: string;
  streamId: string;
  version: number;
  stamp: string;
  rules: Map<string, Map<number, number>>;
}) {
  const { store, nodeId, streamId, version, stamp, rules } = props;
  const [from, setFrom] = useState(1);
  const events = useQuery(streamEventsOptions(store, streamId, from, EVENTS_PAGE, stamp));
  const snaps = useQuery(snapshotsOptions(store, streamId, stamp));
  return (
    <div className="es__stream" data-testid="es-stream-detail" data-stream={streamId}>
      <div className="panel-toolbar">
        <strong className="mono">{streamId}</strong>
        <span className="panel-hint">
          versions {from}–{Math.min(from + EVENTS_PAGE - 1, version)} of {version}
        </span>
        <button
          type="button"
          className="panel-btn panel-btn--small"
          disabled={from <= 1}
          onClick={() => setFrom(Math.max(1, from - EVENTS_PAGE))}
          aria-label="Earlier events"
        >
          ‹
        </button>
        <button
          type="button"
          className="panel-btn panel-btn--small"
          disabled={from + EVENTS_PAGE > version}
          onClick={() => setFrom(from + EVENTS_PAGE)}
          aria-label="Later events"
        >
          ›
        </button>
        <span className="es__snaps" data-testid="es-snapshots">
          snapshots:{' '}
          {snaps.data?.length
            ? snaps.data.map((s) => (
                <span key={s.version} className="es__chip" title={jsonText(s.state, 1)}>
                  v{s.version} (schema {s.schemaVersion})
                </span>
              ))
            : 'none'}
        </span>
      </div>
      <div className="dlq__table-wrap">
        <table className="dlq__table es__events">
          <thead>
            <tr>
              <th>version</th>
              <th>position</th>
              <th>type</th>
              <th>schema</th>
              <th>time (ms)</th>
              <th>correlation</th>
              <th>payload</th>
            </tr>
          </thead>
          <tbody>
            {events.data?.map((e) => {
              const read = readVersion(rules, e);
              return (
                <tr
                  key={e.eventId}
                  data-testid="es-event"
                  data-version={e.version}
                  data-position={e.position}
                >
                  <td className="mono">{e.version}</td>
                  <td className="mono">{e.position}</td>
                  <td>{e.type}</td>
                  <td>
                    v{e.schemaVersion}
                    {read !== e.schemaVersion && (
                      <span
                        className="es__upcast"
                        data-testid="es-upcast"
                        title={`stored as schema ${e.schemaVersion}; upcast to ${read} when read`}
                      >
                        ↑ v{read}
                      </span>
                    )}
                  </td>
                  <td className="mono">{e.time.toFixed(1)}</td>
                  <td className="mono">{e.correlationId}</td>
                  <td className="mono dlq__payload">{jsonText(e.payload)}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      <StateSlider nodeId={nodeId} streamId={streamId} max={version} />
    </div>
  );
}

function StateSlider({ nodeId, streamId, max }: { nodeId: string; streamId: string; max: number }) {
  const run = useRunOf(nodeId);
  const [picked, setPicked] = useState<number | null>(null);
  const v = Math.min(picked ?? max, max);
  const q = useQuery({ ...stateAtOptions(run?.runId ?? -1, nodeId, streamId, v), enabled: !!run?.has });
  if (!run?.has)
    return (
      <p className="panel-hint es__state-hint">
        Run the topology (or reset it) to see the aggregate’s state at any version.
      </p>
    );
  const at = q.data;
  return (
    <div className="es__state">
      <label className="es__slider">
        state at version <b data-testid="es-state-version">{v}</b>
        <input
          type="range"
          min={0}
          max={max}
          value={v}
          onChange={(e) => setPicked(Number(e.target.value))}
          data-testid="es-slider"
          aria-label="Version"
        />
      </label>
      {at && !at.hasReducer && (
        <span className="panel-hint">
          No command handler defines this stream’s aggregate: only its events are known.
        </span>
      )}
      {at?.hasReducer && (
        <>
          <span className="panel-hint" data-testid="es-load-cost">
            {at.snapshotVersion
              ? `from the snapshot at v${at.snapshotVersion} + ${at.eventsRead} events (${at.eventsSkipped} not read)`
              : `from ${at.eventsRead} events`}
          </span>
          <pre className="envelope__payload es__state-json" data-testid="es-state">
            {jsonText(at.state, 2)}
          </pre>
        </>
      )}
    </div>
  );
}
