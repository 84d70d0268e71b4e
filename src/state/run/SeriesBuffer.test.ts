import { describe, expect, it } from 'vitest';
import { EDGE_STRIDE, EdgeField, NODE_STRIDE, NodeField, type Frame } from '../../worker/frames';
import { SeriesBuffer } from './SeriesBuffer';

function frame(now: number, state: Frame['state'] = 'running'): Frame {
  const nodes = new Float64Array(2 * NODE_STRIDE);
  nodes[NodeField.Depth] = 3;
  nodes[NODE_STRIDE + NodeField.Depth] = 4;
  nodes[NodeField.Rate] = now;
  const edges = new Float64Array(EDGE_STRIDE);
  edges[EdgeField.Rate] = 7;
  return {
    runId: 1,
    seq: 0,
    state,
    now,
    until: 1e9,
    events: 0,
    eventsPerSec: 0,
    nodes,
    edges,
    views: [null, null],
    totals: {
      produced: 0,
      derived: 0,
      completed: 0,
      deadLettered: 0,
      dropped: 0,
      merged: 0,
      inFlight: 0,
      producedRate: 10,
      completedRate: 9,
      failedRate: 1,
    },
    latency: { count: 1, p50: 1, p95: 2, p99: 3 },
    nodeLatency: [{ node: 1, latency: { count: 1, p50: 5, p95: 6, p99: 8 } }],
    spans: null,
    spansSkipped: 0,
    strings: [],
    stringsFrom: 0,
  };
}

describe('SeriesBuffer', () => {
  it('keeps the newest points in a ring, oldest first, at most one per minGap of real time while running', () => {
    const s = new SeriesBuffer(2, 1, 5, 100);
    expect(s.push(frame(1000), 0)).toBe(true);
    expect(s.push(frame(2000), 50)).toBe(false); // too soon
    expect(s.push(frame(2000, 'paused'), 60)).toBe(true); // a pause always gets its point
    expect(s.push(frame(2000, 'paused'), 500)).toBe(false); // virtual time did not move
    for (let k = 3; k <= 8; k++) s.push(frame(k * 1000), k * 1000);
    expect(s.length).toBe(5);
    expect(s.read((i) => s.t[i])).toEqual([4, 5, 6, 7, 8]);
    expect(s.read((i) => s.nodeRate[i * 2])).toEqual([4000, 5000, 6000, 7000, 8000]);
    expect(s.read((i) => s.depthTotal[i])).toEqual([7, 7, 7, 7, 7]);
    expect(s.read((i) => s.edgeRate[i])).toEqual([7, 7, 7, 7, 7]);
    // latency of unwatched nodes is a gap
    expect(s.read((i) => s.nodeP99[i * 2])).toEqual([null, null, null, null, null]);
    expect(s.read((i) => s.nodeP99[i * 2 + 1])).toEqual([8, 8, 8, 8, 8]);
  });
});
