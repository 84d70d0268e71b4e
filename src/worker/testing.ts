/**
 * Test helpers for the worker: a fake clock and task queue that drive the API deterministically, and small
 * topologies. Used by the worker's tests only.
 */
import type { Topology } from '../model/topology';
import type { ApiDeps } from './simulationApi';

/** A fake environment: `now()` advances by `tick` ms per call; deferred tasks and timers run on `pump`. */
export interface FakeEnv {
  deps: Partial<ApiDeps>;
  /** Current fake time (ms). */
  time(): number;
  /** Moves the clock forward. */
  advance(ms: number): void;
  /** Runs tasks (and due timers, advancing the clock to them) until none is left or `maxTasks` ran. */
  pump(maxTasks?: number): number;
}

/** Makes a fake environment. */
export function fakeEnv(tick = 0.25): FakeEnv {
  let t = 1000;
  const tasks: (() => void)[] = [];
  const timers: { at: number; fn: () => void }[] = [];
  return {
    deps: {
      now: () => (t += tick),
      defer: (fn) => void tasks.push(fn),
      sleep: (fn, ms) => void timers.push({ at: t + ms, fn }),
    },
    time: () => t,
    advance: (ms) => void (t += ms),
    pump(maxTasks = 1_000_000) {
      let ran = 0;
      while (ran < maxTasks) {
        const task = tasks.shift();
        if (task) {
          task();
          ran++;
          continue;
        }
        if (!timers.length) break;
        timers.sort((a, b) => a.at - b.at);
        const timer = timers.shift()!;
        if (timer.at > t) t = timer.at;
        timer.fn();
        ran++;
      }
      return ran;
    },
  };
}

/** producer → point-to-point → two competing service activators, with a dead-letter channel. */
export function queueTopology(rate = 80, until = 10_000, failureRate = 0): Topology {
  return {
    format: 'messaging-studio/topology',
    version: 1,
    name: 'worker test',
    simulation: { seed: 3, until },
    nodes: [
      {
        id: 'orders',
        kind: 'producer',
        config: { rate, message: { kind: 'command', type: 'PlaceOrder', payload: { n: '{{seq}}' } } },
      },
      { id: 'queue', kind: 'point-to-point', config: { capacity: 50 } },
      {
        id: 'a',
        kind: 'service-activator',
        config: { concurrency: 2, serviceTime: { dist: 'exponential', mean: 10 }, failureRate },
      },
      {
        id: 'b',
        kind: 'service-activator',
        config: { concurrency: 2, serviceTime: { dist: 'exponential', mean: 10 }, failureRate },
      },
      { id: 'dlq', kind: 'dead-letter' },
    ],
    edges: [
      { id: 'e1', source: 'orders', target: 'queue' },
      { id: 'e2', source: 'queue', target: 'a' },
      { id: 'e3', source: 'queue', target: 'b' },
      { id: 'e4', source: 'queue', sourcePort: 'dead-letter', target: 'dlq' },
      { id: 'e5', source: 'a', sourcePort: 'dead-letter', target: 'dlq' },
      { id: 'e6', source: 'b', sourcePort: 'dead-letter', target: 'dlq' },
    ],
  } as Topology;
}
