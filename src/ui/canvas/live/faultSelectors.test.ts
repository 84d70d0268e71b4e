import { describe, expect, it } from 'vitest';
import type { LiveState } from '../../../state/frameStore';
import type { Topology } from '../../../model/topology';
import { LINK_STRIDE, LinkField, type Frame } from '../../../worker/frames';
import { formatBandwidth, linkText, loadLevel, scheduledFaults, selectFaultMark, selectLinkLoad } from './faultSelectors';

const live = (frame: Partial<Frame>): LiveState =>
  ({
    frame: frame as Frame,
    info: null,
    nodeIndex: new Map([
      ['svc', 0],
      ['end', 1],
    ]),
    edgeIndex: new Map([
      ['e1', 0],
      ['e2', 1],
    ]),
  }) as LiveState;

describe('fault and link selectors', () => {
  it('groups the scheduled faults by target, once per topology', () => {
    const t = {
      faults: [
        { id: 'a', target: { node: 'svc' }, type: 'crash' },
        { id: 'b', target: { edge: 'e1' }, type: 'drop', probability: 0.1 },
        { id: 'c', target: { node: 'svc' }, type: 'slow' },
      ],
    } as unknown as Topology;
    expect(scheduledFaults(t, 'node', 'svc').map((f) => f.id)).toEqual(['a', 'c']);
    expect(scheduledFaults(t, 'edge', 'e1').map((f) => f.id)).toEqual(['b']);
    expect(scheduledFaults(t, 'node', 'end')).toEqual([]);
    expect(scheduledFaults(t, 'node', 'svc')).toBe(scheduledFaults(t, 'node', 'svc'));
  });

  it('reads the faults on now, the state they hold a node in, and violated invariants naming it', () => {
    const s = live({
      faults: {
        active: [
          { id: 'down', type: 'crash', node: 0, edge: -1, since: 5 },
          { id: 'late', type: 'latency', node: -1, edge: 1, since: 0 },
          { id: 'lossy', type: 'drop', node: -1, edge: 1, since: 0 },
        ],
        activeCount: 3,
        total: 4,
        nodeStates: [{ node: 0, state: 'crashed' }],
      },
      invariants: [
        { id: 'i1', kind: 'no-loss', ok: false, violations: 3, checked: 9, first: undefined, nodes: ['p', 'svc'] } as never,
        { id: 'i2', kind: 'latency', ok: true, violations: 0, checked: 9, nodes: ['svc'] },
      ],
    });
    expect(selectFaultMark(s, 'node', 'svc')).toEqual({ types: 'crash', ids: 'down', state: 'crashed', violated: 1 });
    expect(selectFaultMark(s, 'node', 'end')).toEqual({ types: '', ids: '', state: '', violated: 0 });
    expect(selectFaultMark(s, 'edge', 'e2')).toEqual({ types: 'latency · drop', ids: 'late, lossy', state: '', violated: 0 });
    expect(selectFaultMark(s, 'edge', 'nope')).toBeNull();
    expect(selectFaultMark(live({ faults: null, invariants: null }), 'node', 'svc')).toBeNull();
  });

  it('reads a link’s load and leaves instant edges alone', () => {
    const links = new Float64Array(2 * LINK_STRIDE);
    links[LINK_STRIDE + LinkField.HasLink] = 1;
    links[LINK_STRIDE + LinkField.Utilization] = 0.934;
    links[LINK_STRIDE + LinkField.Queued] = 17;
    links[LINK_STRIDE + LinkField.InTransit] = 20;
    const s = live({ links });
    expect(selectLinkLoad(s, 'e2')).toEqual({ percent: 93, level: 2, queued: 17, inTransit: 20 });
    expect(selectLinkLoad(s, 'e1')).toBeNull();
    expect(selectLinkLoad(live({ links: null }), 'e2')).toBeNull();
    expect([0, 49, 50, 84, 85, 100].map(loadLevel)).toEqual([0, 0, 1, 1, 2, 2]);
  });

  it('writes bandwidths and links as people do', () => {
    expect([800, 7000, 20_000, 125_000, 1_250_000, 125_000_000, 1e13].map(formatBandwidth)).toEqual([
      '800 B/s',
      '7 kB/s',
      '20 kB/s',
      '125 kB/s',
      '1.25 MB/s',
      '125 MB/s',
      '10 TB/s',
    ]);
    expect(linkText({ bandwidth: 20_000, latency: 100 })).toBe('20 kB/s · 100 ms');
    expect(linkText({ bandwidth: 20_000 })).toBe('20 kB/s');
    expect(linkText({ bandwidth: 20_000, latency: { dist: 'exponential', mean: 20 } })).toBe('20 kB/s · exponential 20 ms');
  });
});
