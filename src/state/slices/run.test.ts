import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Topology } from '../../model/topology';
import { localSimulationClient } from '../../worker/client';
import { NODE_STRIDE, NodeField } from '../../worker/frames';
import { createSimulationApi } from '../../worker/simulationApi';
import { fakeEnv, queueTopology, type FakeEnv } from '../../worker/testing';
import { useFrames } from '../frameStore';
import { setSimulationClientFactory } from '../run/runClient';
import { useStudio } from '../studioStore';
import { selectRunOutdated } from './run';

const settle = async () => {
  for (let i = 0; i < 20; i++) await Promise.resolve();
};

describe('run slice', () => {
  let env: FakeEnv;
  beforeEach(() => {
    env = fakeEnv(0.5);
    setSimulationClientFactory(() => localSimulationClient(createSimulationApi(env.deps)));
    useStudio.getState().loadTopology(queueTopology(200, 5000), { id: null, source: 'new' });
  });
  afterEach(() => setSimulationClientFactory(() => localSimulationClient(createSimulationApi(env.deps))));

  it('loads the topology, runs it in the worker and routes frames to the frame store', async () => {
    const st = useStudio.getState();
    st.setRunSpeed('max');
    st.startRun();
    await settle();
    expect(useStudio.getState().runStatus).toBe('running');
    env.pump();
    await settle();
    expect(useStudio.getState().runStatus).toBe('finished');
    const fs = useFrames.getState();
    expect(fs.info?.nodes.map((n) => n.id)).toEqual(['orders', 'queue', 'a', 'b', 'dlq']);
    expect(fs.frame?.now).toBe(5000);
    const a = fs.nodeIndex.get('a')!;
    const b = fs.nodeIndex.get('b')!;
    expect(fs.frame!.nodes[a * NODE_STRIDE + NodeField.Received]).toBeGreaterThan(100);
    expect(fs.frame!.nodes[b * NODE_STRIDE + NodeField.Received]).toBeGreaterThan(100);
    expect(fs.trace.count).toBeGreaterThan(1000);
    expect(fs.series.length).toBeGreaterThan(0);
    expect(fs.strings).toContain('PlaceOrder');
  });

  it('applies edits on reset and says so meanwhile', async () => {
    const st = useStudio.getState();
    st.stepRun();
    await settle();
    expect(useStudio.getState().runStatus).toBe('paused');
    expect(useFrames.getState().frame?.events).toBe(1);
    expect(selectRunOutdated(useStudio.getState())).toBe(false);

    // moving a node is not an edit that matters to the run
    useStudio
      .getState()
      .edit((t: Topology) => ({
        ...t,
        nodes: t.nodes.map((n, i) => (i === 0 ? { ...n, position: { x: 5, y: 5 } } : n)),
      }));
    expect(selectRunOutdated(useStudio.getState())).toBe(false);
    useStudio
      .getState()
      .edit((t: Topology) => ({
        ...t,
        nodes: t.nodes.map((n, i) => (i === 0 ? { ...n, config: { rate: 5 } } : n)),
      }));
    expect(selectRunOutdated(useStudio.getState())).toBe(true);
    useStudio.getState().setRunSeed(77);
    useStudio.getState().resetRun();
    await settle();
    expect(selectRunOutdated(useStudio.getState())).toBe(false);
    expect(useFrames.getState().info?.seed).toBe(77);
    expect(useFrames.getState().frame).toMatchObject({ events: 0, state: 'paused' });
  });

  it('refuses to run an invalid topology and reports where', async () => {
    const bad = queueTopology();
    bad.edges.push({ id: 'e9', source: 'orders', target: 'nowhere' });
    useStudio.getState().loadTopology(bad, { id: null, source: 'new' });
    useStudio.getState().startRun();
    await settle();
    expect(useStudio.getState().runStatus).toBe('idle');
    expect(useStudio.getState().problem?.errors[0]).toMatchObject({ code: 'E130', edgeId: 'e9' });
  });

  it('highlights the path of a picked message', () => {
    useStudio.getState().selectMessage(12, { nodes: ['orders', 'queue'], edges: ['e1'] });
    const h = useStudio.getState().highlight!;
    expect([...h.nodes]).toEqual(['orders', 'queue']);
    expect(h.edges.has('e1')).toBe(true);
    useStudio.getState().selectMessage(null);
    expect(useStudio.getState().highlight).toBeNull();
  });
});

describe('run slice and the selection', () => {
  it('asks the worker for the latency of the selected nodes', async () => {
    const env = fakeEnv(0.5);
    setSimulationClientFactory(() => localSimulationClient(createSimulationApi(env.deps)));
    useStudio.getState().loadTopology(queueTopology(200, 5000), { id: null, source: 'new' });
    useStudio.getState().stepRun();
    await settle();
    useStudio.getState().setSelection(['a'], []);
    await settle();
    useStudio.getState().stepRun();
    await settle();
    const a = useFrames.getState().nodeIndex.get('a');
    expect(useFrames.getState().frame?.nodeLatency.map((l) => l.node)).toEqual([a]);
  });
});
