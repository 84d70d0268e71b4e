import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileAggregate } from './aggregate';
import { EventStoreModel, type NewEvent } from './EventStoreModel';
import { Upcasters } from './upcasters';

const ev = (
  id: string,
  type = 'Deposited',
  payload: Record<string, number | string> = { amount: 1 },
  schemaVersion = 1,
): NewEvent => ({
  eventId: id,
  type,
  payload,
  schemaVersion,
  correlationId: 'c',
  causationId: null,
});

const bank = compileAggregate('test', {
  initialState: { balance: 0, ops: 0 },
  commands: [],
  apply: [
    {
      event: 'Deposited',
      set: { balance: 'payload.state.balance + payload.event.amount', ops: 'payload.state.ops + 1' },
      unset: [],
    },
    {
      event: 'Withdrawn',
      set: { balance: 'payload.state.balance - payload.event.amount', ops: 'payload.state.ops + 1' },
      unset: [],
    },
    { event: 'Renamed', set: { name: 'payload.event.name' }, unset: [] },
  ],
}).reducer;

describe('EventStoreModel appends', () => {
  it('gives per-stream versions and global positions', () => {
    const s = new EventStoreModel();
    expect(s.append('a', [ev('1'), ev('2')], 'no-stream', 10).ok).toBe(true);
    const r = s.append('b', [ev('3')], 'no-stream', 20);
    expect(r.ok && r.events[0]).toMatchObject({ streamId: 'b', version: 1, position: 3, time: 20 });
    expect(s.version('a')).toBe(2);
    expect(s.head).toBe(3);
    expect(s.read('a').map((e) => [e.version, e.position])).toEqual([
      [1, 1],
      [2, 2],
    ]);
  });

  it('checks the expected version: any, no-stream and exact', () => {
    const s = new EventStoreModel();
    expect(s.append('a', [ev('1')], 'any', 0).ok).toBe(true);
    const noStream = s.append('a', [ev('2')], 'no-stream', 0);
    expect(noStream).toMatchObject({
      ok: false,
      expected: 'no-stream',
      actual: 1,
      reason: 'wrong-expected-version',
    });
    expect(s.append('a', [ev('2')], 0, 0)).toMatchObject({ ok: false, expected: 0, actual: 1 });
    expect(s.append('a', [ev('2')], 1, 0)).toMatchObject({ ok: true, version: 2 });
    expect(s.append('a', [ev('3')], 'any', 0)).toMatchObject({ ok: true, version: 3 });
    expect(s.stats.conflicts).toBe(2);
    expect(s.head).toBe(3);
  });

  it('is idempotent: re-appending stored event ids is a no-op that succeeds', () => {
    const s = new EventStoreModel();
    s.append('a', [ev('x1'), ev('x2')], 'no-stream', 0);
    // the same batch again, with the expected version it had the first time
    const again = s.append('a', [ev('x1'), ev('x2')], 'no-stream', 5);
    expect(again).toMatchObject({ ok: true, duplicate: true, version: 2 });
    expect(s.head).toBe(2);
    expect(s.stats.duplicates).toBe(1);
  });

  it('appends a batch atomically: a batch with one stored id, or an id twice, changes nothing', () => {
    const s = new EventStoreModel();
    s.append('a', [ev('1')], 'any', 0);
    const mixed = s.append('a', [ev('2'), ev('1')], 'any', 0);
    expect(mixed).toMatchObject({ ok: false, reason: 'partial-duplicate' });
    const twice = s.append('a', [ev('3'), ev('3')], 'any', 0);
    expect(twice.ok).toBe(false);
    expect(s.head).toBe(1);
    expect(s.version('a')).toBe(1);
    expect(s.has('2')).toBe(false);
    expect(s.has('3')).toBe(false);
  });

  it('publishes each successful append once, in order', () => {
    const s = new EventStoreModel();
    const seen: number[] = [];
    s.onAppend = (events) => seen.push(...events.map((e) => e.position));
    s.append('a', [ev('1'), ev('2')], 'any', 0);
    s.append('a', [ev('1')], 'any', 0); // duplicate: nothing new
    s.append('a', [ev('3')], 7, 0); // conflict
    s.append('b', [ev('4')], 'any', 0);
    expect(seen).toEqual([1, 2, 3]);
  });
});

describe('snapshots', () => {
  it('are taken every N events with the schema version, and the last K are kept', () => {
    const s = new EventStoreModel({ every: 3, keepLast: 2, schemaVersion: 4 });
    s.registerReducer('acct-', bank);
    for (let i = 1; i <= 10; i++) s.append('acct-1', [ev(`e${i}`, 'Deposited', { amount: i })], 'any', i);
    const snaps = s.snapshotsOf('acct-1');
    expect(snaps.map((x) => x.version)).toEqual([6, 9]);
    expect(snaps[1]).toMatchObject({
      schemaVersion: 4,
      state: { balance: 45, ops: 9 },
      position: 9,
      time: 9,
    });
    expect(s.stats.snapshotsDropped).toBe(1);
    const drained = s.drain();
    expect(drained.snapshots.map((x) => x.version)).toEqual([3, 6, 9]);
    expect(drained.droppedSnapshots).toEqual([{ streamId: 'acct-1', version: 3 }]);
  });

  it('a batch crossing a multiple of N takes one snapshot at its end', () => {
    const s = new EventStoreModel({ every: 5, keepLast: 3, schemaVersion: 1 });
    s.registerReducer('', bank);
    s.append('a', [ev('1'), ev('2'), ev('3')], 'any', 0);
    s.append('a', [ev('4'), ev('5'), ev('6'), ev('7')], 'any', 0);
    expect(s.snapshotsOf('a').map((x) => x.version)).toEqual([7]);
  });

  it('loading uses the newest current snapshot plus the tail, and counts what it saved', () => {
    const s = new EventStoreModel({ every: 4, keepLast: 3, schemaVersion: 1 });
    s.registerReducer('', bank);
    for (let i = 1; i <= 10; i++) s.append('a', [ev(`e${i}`)], 'any', 0);
    const r = s.load('a', bank);
    expect(r).toMatchObject({
      version: 10,
      snapshotVersion: 8,
      eventsRead: 2,
      eventsSkipped: 8,
      state: { balance: 10 },
    });
    // as of version 5: from the snapshot at 4
    expect(s.load('a', bank, 5)).toMatchObject({
      version: 5,
      snapshotVersion: 4,
      eventsRead: 1,
      state: { balance: 5 },
    });
  });

  it('ignores snapshots of another schema version (after the state shape changed)', () => {
    const old = new EventStoreModel({ every: 2, keepLast: 5, schemaVersion: 1 });
    old.registerReducer('', bank);
    for (let i = 1; i <= 6; i++) old.append('a', [ev(`e${i}`)], 'any', 0);
    const drained = old.drain();
    const s = new EventStoreModel({ every: 2, keepLast: 5, schemaVersion: 2 });
    s.seed(drained.events, drained.snapshots, drained.epoch);
    const r = s.load('a', bank);
    expect(r).toMatchObject({ snapshotVersion: 0, eventsRead: 6, state: { balance: 6 } });
  });

  it('property: snapshot + tail gives the same state as replaying every event, at every version', () => {
    const op = fc.oneof(
      fc.record({ type: fc.constant('Deposited'), amount: fc.integer({ min: 0, max: 1000 }) }),
      fc.record({ type: fc.constant('Withdrawn'), amount: fc.integer({ min: 0, max: 1000 }) }),
      fc.record({ type: fc.constant('Renamed'), name: fc.string({ maxLength: 5 }) }),
      fc.record({ type: fc.constant('Ignored'), x: fc.integer() }),
    );
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 2 }), fc.array(op, { minLength: 1, maxLength: 4 })), {
          maxLength: 60,
        }),
        fc.integer({ min: 1, max: 7 }),
        fc.integer({ min: 1, max: 4 }),
        (batches, every, keepLast) => {
          const s = new EventStoreModel({ every, keepLast, schemaVersion: 1 });
          s.registerReducer('', bank);
          let id = 0;
          for (const [stream, ops] of batches) {
            const events = ops.map((o) => {
              const { type, ...payload } = o;
              return ev(`e${++id}`, type, payload);
            });
            s.append(`s${stream}`, events, 'any', id);
          }
          for (const stream of ['s0', 's1', 's2']) {
            const v = s.version(stream);
            for (let at = 0; at <= v; at++) {
              const loaded = s.load(stream, bank, at);
              expect(loaded.state).toEqual(s.replay(stream, bank, at));
              expect(loaded.eventsRead + loaded.eventsSkipped).toBe(at);
            }
          }
        },
      ),
      { numRuns: 150 },
    );
  });
});

describe('upcasting on read', () => {
  const upcasters = new Upcasters('test', [
    { type: 'Deposited', from: 1, to: 2, set: { currency: '"EUR"' }, remove: [] },
    { type: 'Deposited', from: 2, to: 3, set: { cents: 'payload.amount * 100' }, remove: ['amount'] },
  ]);

  it('rewrites old events through the chain, marks them, and never changes what is stored', () => {
    const s = new EventStoreModel(undefined, upcasters);
    s.append(
      'a',
      [
        ev('1', 'Deposited', { amount: 2 }, 1),
        ev('2', 'Deposited', { cents: 5, currency: 'USD' }, 3),
        ev('3', 'Other', { amount: 1 }, 1),
      ],
      'any',
      0,
    );
    const [a, b, c] = s.read('a');
    expect(a).toMatchObject({ schemaVersion: 3, upcastFrom: 1, payload: { currency: 'EUR', cents: 200 } });
    expect(a.payload).not.toHaveProperty('amount');
    expect(b.upcastFrom).toBeUndefined();
    expect(b.payload).toEqual({ cents: 5, currency: 'USD' });
    expect(c.upcastFrom).toBeUndefined();
    expect(s.at(1)).toMatchObject({ schemaVersion: 1, payload: { amount: 2 } });
    expect(upcasters.latest('Deposited', 1)).toBe(3);
  });

  it('reducers see upcast events', () => {
    const agg = compileAggregate('t', {
      initialState: { cents: 0 },
      commands: [],
      apply: [{ event: 'Deposited', set: { cents: 'payload.state.cents + payload.event.cents' }, unset: [] }],
    }).reducer;
    const s = new EventStoreModel(undefined, upcasters);
    s.append(
      'a',
      [ev('1', 'Deposited', { amount: 2 }, 1), ev('2', 'Deposited', { cents: 7, currency: 'EUR' }, 3)],
      'any',
      0,
    );
    expect(s.load('a', agg).state).toEqual({ cents: 207 });
  });
});

describe('temporal queries, seeding and draining', () => {
  it('finds the version as of a virtual time', () => {
    const s = new EventStoreModel();
    s.append('a', [ev('1')], 'any', 100);
    s.append('a', [ev('2'), ev('3')], 'any', 200);
    s.append('a', [ev('4')], 'any', 300);
    expect([50, 100, 199, 200, 1000].map((t) => s.versionAt('a', t))).toEqual([0, 1, 1, 3, 4]);
    expect(s.load('a', bank, s.versionAt('a', 250)).state).toEqual({ balance: 3, ops: 3 });
  });

  it('drains each append once; a seeded store continues positions and the epoch', () => {
    const s = new EventStoreModel({ every: 2, keepLast: 1, schemaVersion: 1 });
    s.registerReducer('', bank);
    s.append('a', [ev('1'), ev('2')], 'any', 0);
    const d1 = s.drain();
    expect(d1.events.map((e) => e.position)).toEqual([1, 2]);
    s.append('b', [ev('3')], 'any', 0);
    expect(s.drain().events.map((e) => e.position)).toEqual([3]);
    expect(s.drain().events).toEqual([]);

    const t = new EventStoreModel({ every: 2, keepLast: 1, schemaVersion: 1 });
    t.seed([...d1.events, ...s.readAll(2)], d1.snapshots, 1);
    expect(t.epoch).toBe(2);
    expect(t.drain().events).toEqual([]); // seeded events are already stored
    expect(t.append('a', [ev('4')], 2, 0)).toMatchObject({ ok: true, version: 3 });
    expect(t.at(4)).toMatchObject({ position: 4, streamId: 'a', version: 3 });
    expect(t.append('a', [ev('1')], 'any', 0)).toMatchObject({ duplicate: true });
    expect(() => t.seed([], [], 1)).toThrow(/empty/);
  });

  it('refuses to seed events that are not contiguous', () => {
    const s = new EventStoreModel();
    s.append('a', [ev('1'), ev('2')], 'any', 0);
    const events = s.readAll(0);
    expect(() => new EventStoreModel().seed([events[1]], [], 1)).toThrow(/contiguous/);
  });
});
