/**
 * Page entry of the event-store benchmark (bundled by bench/eventstore.ts): starts the benchmark worker,
 * records when the persisted position reaches each point while the run goes and after it ends, then reads
 * the stored events back from IndexedDB. Results go to `window.__esBench`.
 */
import { IdbEventStorage } from '../src/storage/eventStoreIdb';

interface Sample {
  t: number;
  state: string;
  events: number;
  head: number;
  persisted: number;
  batches: number;
  error: string | null;
}

interface BenchResult {
  samples: Sample[];
  done: boolean;
  error: string | null;
  readAllMs?: number;
  readCount?: number;
  readStreamMs?: number;
  streamEvents?: number;
  read100kMs?: number;
  read100kCount?: number;
}

declare global {
  interface Window {
    __esBench: BenchResult;
    __esStart(topology: unknown, until: number, store: string): void;
  }
}

window.__esBench = { samples: [], done: false, error: null };

window.__esStart = (topology, until, store) => {
  const worker = new Worker(new URL('./eventstoreWorker.js', import.meta.url), { type: 'module' });
  const res = window.__esBench;
  worker.onmessage = (e: MessageEvent<Sample & { error?: string }>) => {
    if (e.data.error && e.data.events === undefined) {
      res.error = e.data.error;
      res.done = true;
      return;
    }
    res.samples.push(e.data);
    if (e.data.state === 'finished' && e.data.persisted === e.data.head) {
      worker.terminate();
      void readBack(store, res);
    }
  };
  worker.postMessage({ topology, until });
};

async function readBack(store: string, res: BenchResult): Promise<void> {
  const storage = new IdbEventStorage();
  const tr = performance.now();
  const first = await storage.readAll(store, { after: 0, limit: 100_000 });
  res.read100kMs = performance.now() - tr;
  res.read100kCount = first.length;
  const t0 = performance.now();
  const all = await storage.loadAll(store);
  res.readAllMs = performance.now() - t0;
  res.readCount = all.events.length;
  const streamId = all.events[0]?.streamId ?? '';
  const t1 = performance.now();
  const page = await storage.readStream(store, streamId, { fromVersion: 1, limit: 1000 });
  res.readStreamMs = performance.now() - t1;
  res.streamEvents = page.length;
  res.done = true;
}
