import { describe, expect, it } from 'vitest';
import { Simulation } from '../engine/Simulation';
import { BANK_HANDLER } from '../engine/eventsourcing/testing';
import type { EventStoreModel } from '../engine/eventsourcing/EventStoreModel';
import { buildTopology } from '../engine/testing/TestSimulation';
import type { StoredEvent } from '../model/kinds/eventSourcing';
import { MemoryEventStorage, type PersistBatch, type StartMode } from '../storage/eventStore';
import type { RunRecord } from '../storage/runs';
import { describeWriteError, EventPersistence } from './persistence';
import { createSimulationApi } from './simulationApi';
import { fakeEnv } from './testing';
import type { Frame } from './frames';

const topology = (rate = 500) =>
  buildTopology(
    {
      cmds: [
        'producer',
        {
          rate,
          message: { type: 'Deposit', payload: { account: '{{randInt 1 50}}', amount: '{{randInt 1 9}}' } },
        },
      ],
      h: ['command-handler', { ...BANK_HANDLER, concurrency: 8, decideTime: { dist: 'constant', value: 1 } }],
      store: ['event-store', { snapshots: { every: 10, keepLast: 2 } }],
    },
    ['cmds -> h'],
    { until: 10_000, name: 'Bank' },
  );

const settle = () => new Promise((r) => setTimeout(r, 0));
const model = (sim: Simulation) => sim.action('store', 'model') as EventStoreModel;

/** Memory storage whose writes wait until released (a slow disk), recording every batch. */
class SlowStorage extends MemoryEventStorage {
  batches: number[] = [];
  private gate: Promise<void> | null = null;
  private open: (() => void) | null = null;
  hold() {
    this.gate = new Promise((r) => (this.open = r));
  }
  release() {
    this.open?.();
    this.gate = null;
  }
  override async append(store: string, batch: PersistBatch): Promise<number> {
    this.batches.push(batch.events.length);
    if (this.gate) await this.gate;
    return super.append(store, batch);
  }
}

async function start(storage: MemoryEventStorage, mode: StartMode = 'stored', clock = { t: 0 }) {
  const p = new EventPersistence(
    { storage, startMode: () => Promise.resolve(mode), clock: () => clock.t },
    { flushMs: 50, maxBatch: 5000 },
  );
  const sim = new Simulation(topology());
  p.attach(sim);
  expect(p.preparing).toBe(true);
  await new Promise<void>((r) => p.whenReady(r));
  return { p, sim, clock };
}

describe('write-behind persistence', () => {
  it('persists every append, many per batch, and ends with persisted = head', async () => {
    const storage = new SlowStorage();
    const { p, sim, clock } = await start(storage);
    for (let t = 100; t <= 10_000; t += 100) {
      sim.run({ until: t });
      clock.t += 20; // 20 ms of real time per chunk: a write at most every 50 ms
      p.pump();
      await settle();
    }
    await p.flush();
    const head = model(sim).head;
    expect(head).toBeGreaterThan(4000);
    expect(p.status()![0]).toMatchObject({
      nodeId: 'store',
      store: 'Bank/store',
      state: 'ok',
      head,
      persisted: head,
      unpersisted: 0,
      error: null,
    });
    expect(storage.batches.length).toBeLessThan(60);
    expect(Math.max(...storage.batches)).toBeGreaterThan(50);
    const stored = await storage.loadAll('Bank/store');
    expect(stored.events).toEqual(model(sim).readAll(0));
    // the snapshots kept in memory are the snapshots stored
    const streamId = stored.events[0].streamId;
    expect((await storage.snapshots('Bank/store', streamId)).map((s) => s.version)).toEqual(
      model(sim)
        .snapshotsOf(streamId)
        .map((s) => s.version),
    );
  });

  it('never makes the engine wait: appends pile up behind a slow write and go in the next batch', async () => {
    const storage = new SlowStorage();
    const { p, sim, clock } = await start(storage);
    sim.run({ until: 1000 });
    clock.t = 100;
    storage.hold();
    p.pump();
    expect(storage.batches).toHaveLength(1);
    const first = storage.batches[0];
    // the run goes on while the write is in flight
    for (let t = 2000; t <= 5000; t += 1000) {
      sim.run({ until: t });
      clock.t += 100;
      p.pump();
    }
    expect(storage.batches).toHaveLength(1);
    const s = p.status()![0];
    expect(s.flushing).toBe(true);
    expect(s.persisted).toBe(0);
    expect(s.unpersisted).toBe(model(sim).head);
    storage.release();
    await p.flush();
    expect(storage.batches).toHaveLength(2);
    expect(storage.batches[1]).toBe(model(sim).head - first);
    expect(p.status()![0].persisted).toBe(model(sim).head);
  });

  it('on QuotaExceededError: a visible warning, the run goes on in memory, the unpersisted count grows, export is offered', async () => {
    const storage = new MemoryEventStorage();
    const { p, sim, clock } = await start(storage);
    let writes = 0;
    storage.beforeWrite = () => {
      if (++writes >= 2) throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
    };
    for (let t = 500; t <= 5000; t += 500) {
      sim.run({ until: t });
      clock.t += 100;
      p.pump();
      await settle();
    }
    const s = p.status()![0];
    expect(s.state).toBe('failed');
    expect(s.error).toBe('Storage is full (QuotaExceededError)');
    expect(s.persisted).toBeGreaterThan(0);
    expect(s.unpersisted).toBe(model(sim).head - s.persisted);
    expect(s.unpersisted).toBeGreaterThan(1000);
    sim.run();
    p.pump();
    expect(p.status()![0].unpersisted).toBe(model(sim).head - s.persisted);
    expect(writes).toBe(2); // no more writes after the failure
    const ndjson = p.exportStore('store', 'ndjson').trimEnd().split('\n');
    expect(ndjson).toHaveLength(model(sim).head);
    expect((JSON.parse(ndjson[ndjson.length - 1]) as StoredEvent).position).toBe(model(sim).head);
    // what was persisted before the failure is intact
    expect((await storage.info('Bank/store'))?.head).toBe(s.persisted);
  });

  it('a new run continues the stored state, or starts empty, as chosen', async () => {
    const storage = new MemoryEventStorage();
    const a = await start(storage);
    a.sim.run({ until: 2000 });
    await a.p.flush();
    const first = model(a.sim).head;
    const balance = model(a.sim).load('acct-7', model(a.sim).reducerFor('acct-7')!).state;

    const b = await start(storage, 'stored');
    expect(b.p.status()![0]).toMatchObject({ seeded: first, persisted: first, head: first, mode: 'stored' });
    expect(model(b.sim).load('acct-7', model(b.sim).reducerFor('acct-7')!).state).toEqual(balance);
    b.sim.run({ until: 2000 });
    await b.p.flush();
    const stored = await storage.loadAll('Bank/store');
    expect(stored.events.length).toBe(model(b.sim).head);
    expect(model(b.sim).head).toBeGreaterThan(first);
    expect(stored.epoch).toBe(2);
    expect(stored.events[first].eventId.startsWith('2:')).toBe(true);
    // the seeded run decided on the stored balances: no event after the seed was decided on a stale state
    let bal = 0;
    for (const e of model(b.sim).read('acct-7')) {
      expect((e.payload as { before: number }).before).toBe(bal);
      bal += (e.payload as { amount: number }).amount;
    }

    const c = await start(storage, 'empty');
    expect(c.p.status()![0]).toMatchObject({ seeded: 0, persisted: 0, mode: 'empty' });
    expect(await storage.info('Bank/store')).toBeNull();
    c.sim.run({ until: 500 });
    await c.p.flush();
    expect((await storage.info('Bank/store'))?.head).toBe(model(c.sim).head);
  });

  it('a write held back by the pacing still happens when nothing pumps again (a paused run)', async () => {
    const storage = new SlowStorage();
    const { p, sim, clock } = await start(storage);
    sim.run({ until: 500 });
    clock.t = 100;
    p.pump(); // first write
    await settle();
    sim.run({ until: 1000 });
    clock.t = 110; // within 50 ms of the first write: held back
    p.pump();
    expect(storage.batches).toHaveLength(1);
    expect(p.status()![0].unpersisted).toBeGreaterThan(0);
    await new Promise((r) => setTimeout(r, 80));
    await settle();
    expect(storage.batches).toHaveLength(2);
    expect(p.status()![0].unpersisted).toBe(0);
  });

  it('keeps a record of each run: how it started and how far it persisted', async () => {
    const runs: RunRecord[] = [];
    const storage = new MemoryEventStorage();
    const p = new EventPersistence({
      storage,
      startMode: () => Promise.resolve('stored'),
      saveRun: (r) => Promise.resolve(void runs.push(r)),
      wallClock: () => 1000,
    });
    const sim = new Simulation(topology());
    p.attach(sim);
    await new Promise<void>((r) => p.whenReady(r));
    expect(runs[0]).toMatchObject({
      topology: 'Bank',
      start: 'stored',
      status: 'running',
      seed: sim.settings.seed,
      stores: [{ nodeId: 'store', store: 'Bank/store', seeded: 0 }],
    });
    sim.run();
    await p.flush();
    const last = runs[runs.length - 1];
    expect(last.id).toBe(runs[0].id);
    expect(last).toMatchObject({
      status: 'finished',
      stores: [{ persisted: model(sim).head, head: model(sim).head, error: null }],
    });
  });

  it('names write errors', () => {
    expect(describeWriteError(new DOMException('x', 'QuotaExceededError'))).toBe(
      'Storage is full (QuotaExceededError)',
    );
    expect(describeWriteError(new DOMException('gone', 'InvalidStateError'))).toBe('InvalidStateError: gone');
    expect(describeWriteError(new Error('disk on fire'))).toBe('disk on fire');
  });
});

describe('the worker API with event stores', () => {
  it('waits for seeding before it runs, sends persistence in frames, and answers studio reads', async () => {
    const storage = new MemoryEventStorage();
    const env = fakeEnv();
    const frames: Frame[] = [];
    const api = createSimulationApi(
      env.deps,
      {},
      new EventPersistence({ storage, startMode: () => Promise.resolve('stored') }),
    );
    api.subscribe((f) => void frames.push(f));
    expect(api.load(topology(), { until: 3000 }).ok).toBe(true);
    api.setSpeed('max');
    api.run();
    env.pump();
    expect(api.status().events).toBe(0); // still seeding: nothing ran
    for (let i = 0; i < 50 && api.status().state !== 'finished'; i++) {
      await settle();
      env.pump();
    }
    expect(api.status().state).toBe('finished');
    const status = await api.flushEventStores();
    expect(status![0].persisted).toBe(status![0].head);
    expect(status![0].head).toBeGreaterThan(1000);
    await settle();
    expect(frames.at(-1)!.persistence![0]).toMatchObject({ nodeId: 'store', persisted: status![0].head });
    const streams = api.storeQuery('store', 'streams', { limit: 5 }) as {
      total: number;
      items: { streamId: string }[];
    };
    expect(streams.total).toBe(50);
    const at = api.storeQuery('store', 'stateAt', { streamId: streams.items[0].streamId, version: 3 }) as {
      state: { balance: number };
      version: number;
    };
    expect(at.version).toBe(3);
    expect(() => api.storeQuery('store', 'seed', {})).toThrow(/not a studio action/);
    expect(() => api.storeQuery('h', 'rows', {})).toThrow(/not a studio action/);
    expect(api.exportEventStore('store', 'json').length).toBeGreaterThan(100);

    // a reset is a new run that continues the stored streams
    expect(api.reset()?.ok).toBe(true);
    for (let i = 0; i < 5; i++) await settle();
    expect(api.eventStores()![0]).toMatchObject({ seeded: status![0].head, state: 'ok' });
  });
});
