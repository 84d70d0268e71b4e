/**
 * The run slice's connection to the simulation worker: connects once, routes frames into the frame store
 * and run states into the slice. Frames and replies travel on different message ports, so the first frame
 * of a new run can arrive before the reply to `load`; such early frames wait here until the run begins.
 * Tests replace the worker with `setSimulationClientFactory`.
 */
import { getSimulationClient, type SimulationClient } from '../../worker/client';
import type { Frame, RunState } from '../../worker/frames';
import { useFrames } from '../frameStore';

let factory: () => SimulationClient = getSimulationClient;
let client: Promise<SimulationClient> | null = null;
let statusListener: (s: RunState) => void = () => {};
let early: Frame[] = [];

const onFrame = (frame: Frame) => {
  const fs = useFrames.getState();
  const current = fs.info?.runId ?? -1;
  if (frame.runId > current) {
    // a frame of a run whose load reply has not arrived yet
    early.push(frame);
    if (early.length > 8) early = early.slice(-8);
    return;
  }
  if (frame.runId < current) return;
  fs.pushFrame(frame);
  statusListener(frame.state);
};

export const runClient = {
  /** The connected client (connecting and subscribing on first use). */
  connect(onStatus: (s: RunState) => void): Promise<SimulationClient> {
    statusListener = onStatus;
    if (!client) {
      const c = factory();
      client = c.subscribe(onFrame).then(() => c);
    }
    return client;
  },
  /** Whether a client has been started. */
  connected(): boolean {
    return client !== null;
  },
  /** Hands over frames that arrived before their run began. */
  flushEarly(): void {
    const frames = early;
    early = [];
    for (const f of frames) onFrame(f);
  },
  /** The client if connected, for reads (trace details, dead letters); null before any run. */
  current(): Promise<SimulationClient> | null {
    return client;
  },
};

/** Replaces the worker client (tests, benchmarks); the next `connect` uses the new factory. */
export function setSimulationClientFactory(make: () => SimulationClient): void {
  factory = make;
  client = null;
  early = [];
}
