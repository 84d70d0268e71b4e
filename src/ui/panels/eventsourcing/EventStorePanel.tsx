/**
 * Event-store browser: for each event store of the open topology, the persisted position against the
 * run's head (with a warning and an export from memory when persisting stopped), where the next run's
 * stores start, the stored streams (paged from IndexedDB, so they are there after a reload), a stream's
 * events with version, position, schema version and upcast marker, its snapshots, and a slider that shows
 * the aggregate's state at any version (asked of the run).
 */
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import {
  clearStoredStore,
  readAllStored,
  recentRunsOptions,
  startModeOptions,
  storedKey,
  storedStoresOptions,
} from '../../../queries/eventStoreOptions';
import { exportEvents } from '../../../storage/eventStore';
import { setStartMode, type StartMode } from '../../../storage/eventStoreMeta';
import { runClient } from '../../../state/run/runClient';
import { useStudio } from '../../../state/studioStore';
import { StreamBrowser } from './StreamBrowser';
import { download, useNodesOfKind, usePersistence, useRunOf } from './useEventSourcingNodes';
import './eventsourcing.css';
import { NodeTabs } from '../NodeTabs';

export function EventStorePanel() {
  const { name, nodes } = useNodesOfKind('event-store');
  const [picked, setPicked] = useState<string | null>(null);
  if (!nodes.length)
    return (
      <p className="panel-empty">
        This topology has no event store. Add one from the Event sourcing family of the palette.
      </p>
    );
  const node = nodes.find((n) => n.id === picked) ?? nodes[0];
  return (
    <div className="es" data-testid="es-panel">
      <NodeTabs nodes={nodes} selected={node.id} onSelect={setPicked} label="Event stores" />
      <StoreView key={`${name}/${node.id}`} topology={name} nodeId={node.id} config={node.config} />
    </div>
  );
}

function StoreView({
  topology,
  nodeId,
  config,
}: {
  topology: string;
  nodeId: string;
  config: Record<string, unknown>;
}) {
  const store = `${topology}/${nodeId}`;
  const status = usePersistence(nodeId);
  const run = useRunOf(nodeId);
  // stored reads refresh every 1.5 s while running, and when the persisted head moved while paused
  const [tick, setTick] = useState(0);
  const running = run?.running ?? false;
  useEffect(() => {
    if (!running) return;
    const t = setInterval(() => setTick((x) => x + 1), 1500);
    return () => clearInterval(t);
  }, [running]);
  const stamp = running ? `live-${tick}` : `at-${status?.persisted ?? -1}-${tick}`;
  const stores = useQuery(storedStoresOptions(stamp));
  const stored = stores.data?.find((s) => s.store === store) ?? null;
  const client = useQueryClient();
  const clear = async () => {
    if (
      !globalThis.confirm?.(
        `Forget the ${stored?.head ?? 0} stored events of ${store}? Export them first to keep them.`,
      )
    )
      return;
    await clearStoredStore(store);
    await client.invalidateQueries({ queryKey: storedKey });
    setTick((t) => t + 1);
  };
  return (
    <div className="es__store">
      <div className="panel-toolbar">
        <strong>{nodeId}</strong>
        <PersistedFigure status={status} storedHead={stored?.head ?? null} />
        <span className="panel-tabs__spacer" />
        <StartModeChoice storedHead={stored?.head ?? 0} />
        <button
          type="button"
          className="panel-btn"
          onClick={() => setTick((t) => t + 1)}
          title="Read the stored streams again"
        >
          Refresh
        </button>
        <button
          type="button"
          className="panel-btn"
          data-testid="es-clear"
          disabled={!stored}
          onClick={() => void clear()}
        >
          Clear stored
        </button>
        <ExportButtons store={store} nodeId={nodeId} fromRun={!!run?.has} disabled={!stored && !run?.has} />
        {run?.has && (
          <button
            type="button"
            className="panel-btn"
            title="Send every stored event again to the store's subscriptions (projections)"
            onClick={() => void replay(nodeId)}
          >
            Replay
          </button>
        )}
      </div>
      {status?.state === 'failed' && (
        <PersistWarning nodeId={nodeId} store={store} error={status.error} unpersisted={status.unpersisted} />
      )}
      <RecentRuns topology={topology} nodeId={nodeId} stamp={stamp} />
      <StreamBrowser store={store} nodeId={nodeId} stamp={stamp} config={config} />
    </div>
  );
}

function PersistedFigure({
  status,
  storedHead,
}: {
  status: ReturnType<typeof usePersistence>;
  storedHead: number | null;
}) {
  if (!status) {
    return (
      <span className="panel-hint" data-testid="es-persisted">
        {storedHead === null
          ? 'Nothing stored yet: run the topology.'
          : `${storedHead.toLocaleString('en')} events stored`}
      </span>
    );
  }
  const pct = status.head > 0 ? Math.min(100, (status.persisted / status.head) * 100) : 100;
  return (
    <span
      className="es__persisted"
      data-testid="es-persisted"
      data-persisted={status.persisted}
      data-head={status.head}
      title={`${status.batches} batches written by this run; ${status.seeded} events loaded from storage at the start`}
    >
      {status.state === 'preparing'
        ? 'loading stored streams…'
        : `persisted ${status.persisted.toLocaleString('en')} / ${status.head.toLocaleString('en')}`}
      <span className="es__bar" aria-hidden="true">
        <span
          className={`es__bar-fill${status.state === 'failed' ? ' es__bar-fill--failed' : ''}`}
          style={{ width: `${pct}%` }}
        />
      </span>
      {status.unpersisted > 0 && (
        <span className="es__unpersisted">{status.unpersisted.toLocaleString('en')} not yet persisted</span>
      )}
    </span>
  );
}

function PersistWarning({
  nodeId,
  store,
  error,
  unpersisted,
}: {
  nodeId: string;
  store: string;
  error: string | null;
  unpersisted: number;
}) {
  const exportAs = async (format: 'json' | 'ndjson') => {
    const c = runClient.current();
    if (!c) return;
    const text = await (await c).api.exportEventStore(nodeId, format);
    download(
      `${store.replace(/[^A-Za-z0-9_.-]+/g, '_')}.${format}`,
      text,
      format === 'json' ? 'application/json' : 'application/x-ndjson',
    );
  };
  return (
    <div className="panel-errors es__warning" role="alert" data-testid="es-warning">
      <strong>Persisting stopped:</strong> {error ?? 'a write failed'}. The run goes on in memory;{' '}
      <b data-testid="es-unpersisted">{unpersisted.toLocaleString('en')}</b> events are not persisted.
      <button type="button" className="panel-btn" onClick={() => void exportAs('json')}>
        Export JSON
      </button>
      <button type="button" className="panel-btn" onClick={() => void exportAs('ndjson')}>
        Export NDJSON
      </button>
    </div>
  );
}

function StartModeChoice({ storedHead }: { storedHead: number }) {
  const client = useQueryClient();
  const mode = useQuery(startModeOptions()).data ?? 'stored';
  const set = async (m: StartMode) => {
    await setStartMode(m);
    await client.invalidateQueries({ queryKey: startModeOptions().queryKey });
    useStudio
      .getState()
      .toast?.(
        m === 'stored'
          ? 'The next run continues the stored streams'
          : 'The next run clears the stored streams and starts empty',
        'info',
      );
  };
  return (
    <span className="es__mode" role="radiogroup" aria-label="Next run starts from">
      next run:
      <label>
        <input
          type="radio"
          name="es-start"
          checked={mode === 'stored'}
          onChange={() => void set('stored')}
          data-testid="es-start-stored"
        />{' '}
        stored state
        {storedHead > 0 ? ` (${storedHead.toLocaleString('en')})` : ''}
      </label>
      <label>
        <input
          type="radio"
          name="es-start"
          checked={mode === 'empty'}
          onChange={() => void set('empty')}
          data-testid="es-start-empty"
        />{' '}
        empty
      </label>
    </span>
  );
}

/** Re-sends every event of the run's store to its subscriptions. */
async function replay(nodeId: string): Promise<void> {
  const c = runClient.current();
  if (!c) return;
  const r = (await (await c).api.storeQuery(nodeId, 'replay')) as { replayed: number };
  useStudio
    .getState()
    .toast?.(`${r.replayed.toLocaleString('en')} events sent again to the subscriptions`, 'info');
}

/** Exports the store's streams: from the run's memory (everything, persisted or not) or from storage. */
function ExportButtons({
  store,
  nodeId,
  fromRun,
  disabled,
}: {
  store: string;
  nodeId: string;
  fromRun: boolean;
  disabled: boolean;
}) {
  const exportAs = async (format: 'json' | 'ndjson') => {
    let text: string;
    const c = runClient.current();
    if (fromRun && c) text = await (await c).api.exportEventStore(nodeId, format);
    else text = exportEvents(await readAllStored(store), format);
    download(
      `${store.replace(/[^A-Za-z0-9_.-]+/g, '_')}.${format}`,
      text,
      format === 'json' ? 'application/json' : 'application/x-ndjson',
    );
  };
  return (
    <span className="es__mode" title={fromRun ? 'every event of the run, from memory' : 'the stored events'}>
      export
      <button
        type="button"
        className="panel-btn"
        disabled={disabled}
        onClick={() => void exportAs('json')}
        data-testid="es-export-json"
      >
        JSON
      </button>
      <button
        type="button"
        className="panel-btn"
        disabled={disabled}
        onClick={() => void exportAs('ndjson')}
        data-testid="es-export-ndjson"
      >
        NDJSON
      </button>
    </span>
  );
}

/** The runs recorded for this topology, newest first: how each started and how far it persisted. */
function RecentRuns({ topology, nodeId, stamp }: { topology: string; nodeId: string; stamp: string }) {
  const runs = (useQuery(recentRunsOptions(stamp)).data ?? []).filter((r) => r.topology === topology);
  if (!runs.length) return null;
  return (
    <details className="es__runs" data-testid="es-runs">
      <summary className="panel-hint">
        {runs.length} run{runs.length === 1 ? '' : 's'} kept for this topology
      </summary>
      <ol>
        {runs.map((r) => {
          const s = r.stores.find((x) => x.nodeId === nodeId);
          return (
            <li key={r.id} className="panel-hint">
              {new Date(r.startedAt).toLocaleString()} · seed {r.seed} · from{' '}
              {r.start === 'stored' ? 'the stored state' : 'empty'} · {r.status}
              {s
                ? ` · ${s.seeded.toLocaleString('en')} loaded, ${s.persisted.toLocaleString('en')} persisted${s.error ? ` · ${s.error}` : ''}`
                : ''}
            </li>
          );
        })}
      </ol>
    </details>
  );
}
