// One real round trip through comlink over a MessageChannel (as between the studio and its worker):
// control calls go one way, frames come back through a proxied callback with their typed arrays transferred.
import { MessageChannel } from 'node:worker_threads';
import { expose, transfer } from 'comlink';
import nodeEndpoint from 'comlink/dist/esm/node-adapter';
import { afterEach, describe, expect, it } from 'vitest';
import { connectSimulation, type SimulationClient } from './client';
import type { Frame } from './frames';
import { createSimulationApi } from './simulationApi';
import { queueTopology } from './testing';

describe('simulation worker over comlink', () => {
  let client: SimulationClient | null = null;
  let channel: MessageChannel | null = null;
  afterEach(() => {
    client?.terminate();
    channel?.port1.close();
    channel?.port2.close();
  });

  it('loads, runs to the end and streams frames whose typed arrays were transferred', async () => {
    channel = new MessageChannel();
    const sent: Frame[] = [];
    const api = createSimulationApi({
      transfer: (frame, buffers) => {
        sent.push(frame);
        return transfer(frame, buffers);
      },
    });
    expose(api, nodeEndpoint(channel.port1));
    client = connectSimulation(nodeEndpoint(channel.port2));

    const received: Frame[] = [];
    let done!: () => void;
    const finished = new Promise<void>((resolve) => (done = resolve));
    await client.subscribe((f) => {
      received.push(f);
      if (f.state === 'finished') done();
    });
    const loaded = await client.api.load(queueTopology(200, 5000), { seed: 5 });
    expect(loaded.ok).toBe(true);
    await client.api.setSpeed('max');
    await client.api.run();
    await finished;

    const last = received[received.length - 1];
    expect(last.nodes).toBeInstanceOf(Float64Array);
    expect(last.now).toBe(5000);
    expect(received.some((f) => f.spans && f.spans.msg instanceof Int32Array && f.spans.count > 0)).toBe(
      true,
    );
    // transferred, not copied: the worker's side of every sent buffer is detached
    expect(sent.length).toBeGreaterThan(0);
    expect(sent.every((f) => f.nodes.byteLength === 0)).toBe(true);

    const report = await client.api.report();
    expect(report!.totals.completed).toBe(last.totals.completed);
    const status = await client.api.status();
    expect(status.state).toBe('finished');
    // errors thrown in the worker come back as rejections
    await expect(client.api.deadLetters('orders')).rejects.toThrow(/has no actions/);
  });
});
