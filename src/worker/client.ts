/**
 * The studio's handle on the simulation worker: starts the worker, wraps its API with comlink, and turns a
 * frame callback into a comlink proxy. Every call returns a promise. The main thread never runs the
 * simulation loop; it only sends control calls and receives frames.
 *
 * @example
 * const client = getSimulationClient();
 * await client.subscribe((frame) => frameStore.getState().push(frame));
 * const r = await client.api.load(topology, { seed: 7 });
 * if (r.ok) await client.api.run();
 */
import { proxy, releaseProxy, wrap, type Endpoint, type Remote } from 'comlink';
import type { Frame } from './frames';
import type { SimulationApi } from './simulationApi';

export type { SimulationApi };

/** The worker API as the studio calls it (every method returns a promise). */
export type SimulationRemote = Remote<SimulationApi>;

/** A connection to a simulation worker. */
export interface SimulationClient {
  /** The worker's API. */
  readonly api: SimulationRemote;
  /** Sends frames to `onFrame` (replacing any previous listener). */
  subscribe(onFrame: (frame: Frame) => void): Promise<void>;
  /** Ends the worker. */
  terminate(): void;
}

/** Wraps an endpoint (a Worker, or a MessagePort in tests) that exposes the simulation API. */
export function connectSimulation(endpoint: Endpoint, terminate: () => void = () => {}): SimulationClient {
  const api = wrap<SimulationApi>(endpoint);
  return {
    api,
    subscribe: (onFrame) => api.subscribe(proxy((frame: Frame) => onFrame(frame))),
    terminate() {
      api[releaseProxy]();
      terminate();
    },
  };
}

/** Starts a new simulation worker. */
export function createSimulationClient(): SimulationClient {
  const worker = new Worker(new URL('./simulation.worker.ts', import.meta.url), {
    type: 'module',
    name: 'simulation',
  });
  return connectSimulation(worker, () => worker.terminate());
}

let shared: SimulationClient | null = null;

/** The studio's one simulation worker, started on first use. */
export function getSimulationClient(): SimulationClient {
  shared ??= createSimulationClient();
  return shared;
}

/**
 * A client that calls an API object in the same thread (tests and benchmarks; the studio uses the
 * worker). Calls are made asynchronous, as over comlink.
 */
export function localSimulationClient(api: SimulationApi): SimulationClient {
  const remote = new Proxy(
    {},
    {
      get: (_target, key) => {
        const fn = api[key as keyof SimulationApi] as unknown as
          ((...args: unknown[]) => unknown) | undefined;
        if (typeof fn !== 'function') return undefined;
        return (...args: unknown[]) => Promise.resolve().then(() => fn(...args));
      },
    },
  ) as SimulationRemote;
  return {
    api: remote,
    subscribe: async (onFrame) => api.subscribe(onFrame),
    terminate: () => api.dispose(),
  };
}
