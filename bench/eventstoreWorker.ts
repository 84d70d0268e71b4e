/**
 * Worker entry of the event-store benchmark page (bench/eventstore.ts bundles it with esbuild): the real
 * worker API with IndexedDB persistence, running a topology as fast as possible and reporting, with every
 * frame, the run's events, the store head and the persisted position.
 */
import { createSimulationApi } from '../src/worker/simulationApi';

interface Start {
  topology: unknown;
  until: number;
}

const api = createSimulationApi();
const t0 = performance.now();

self.onmessage = (e: MessageEvent<Start>) => {
  api.subscribe((f) => {
    const p = f.persistence?.[0];
    self.postMessage({
      t: performance.now() - t0,
      state: f.state,
      events: f.events,
      head: p?.head ?? 0,
      persisted: p?.persisted ?? 0,
      batches: p?.batches ?? 0,
      error: p?.error ?? null,
    });
  });
  const r = api.load(e.data.topology, { until: e.data.until });
  if (!r.ok) {
    self.postMessage({ error: r.errors.join('\n') });
    return;
  }
  api.setSpeed('max');
  api.run();
};
