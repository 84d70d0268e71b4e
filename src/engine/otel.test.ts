import { describe, expect, it } from 'vitest';
import { conversationSpans, exportConversationOtlp, sequenceDiagram, spanIdOf, traceIdOf } from './otel';
import { buildTopology, TestSimulation } from './testing/TestSimulation';

const constant = (value: number) => ({ dist: 'constant', value });

function simpleFlow() {
  const topology = buildTopology(
    {
      src: ['producer', { rate: 10, count: 3, arrival: 'constant', message: { type: 'PlaceOrder', payload: { n: '{{seq}}' } } }],
      queue: 'point-to-point',
      work: ['service-activator', { serviceTime: constant(5) }],
      enc: ['encryptor', { keyId: 'k1' }],
      out: 'sink',
    },
    ['src -> queue', 'queue -> work', 'work -> enc', 'enc -> out'],
    { until: 10_000 },
  );
  (topology.edges[3] as { link?: unknown }).link = { bandwidth: 10_000, latency: 20 };
  const t = new TestSimulation(topology, { keepTrace: true });
  t.run();
  return t;
}

describe('conversation spans (OpenTelemetry shape)', () => {
  it('chains the hops of a conversation: one trace id, each span the child of the one before', () => {
    const t = simpleFlow();
    const spans = conversationSpans(t.sim, 'm1');
    expect(spans.map((s) => s.attributes['studio.node.id'])).toEqual(['src', 'queue', 'work', 'enc', 'enc', 'out']);
    const traceId = traceIdOf('m1');
    expect(traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(spans.every((s) => s.traceId === traceId)).toBe(true);
    expect(new Set(spans.map((s) => s.spanId)).size).toBe(spans.length);
    expect(spans[0].parentSpanId).toBe('');
    for (let i = 1; i < spans.length; i++) expect(spans[i].parentSpanId, `span ${i}`).toBe(spans[i - 1].spanId);
    // the encrypted message is a new message (m2: made at 5 ms, before the producer's second) derived from m1
    const [, , , merged, sealed, done] = spans;
    expect(merged.attributes).toMatchObject({ 'messaging.message.id': 'm1', 'studio.outcome': 'merged' });
    expect(sealed.attributes).toMatchObject({ 'messaging.message.causation_id': 'm1', 'studio.payload.encoding': 'aes-256-gcm', 'studio.edge.target': 'out' });
    expect(sealed.spanId).toBe(spanIdOf(Number(String(sealed.attributes['messaging.message.id']).slice(1)), 0));
    expect(done.kind).toBe('SPAN_KIND_CONSUMER');
    expect(spans[0].kind).toBe('SPAN_KIND_PRODUCER');
    expect(spans[2]).toMatchObject({ name: 'work: PlaceOrder', startTimeUnixNano: '0', endTimeUnixNano: '5000000', status: { code: 'STATUS_CODE_OK' } });
    // the link adds serialization and 20 ms of latency between the encryptor and the sink
    expect(BigInt(done.startTimeUnixNano) - BigInt(sealed.endTimeUnixNano)).toBeGreaterThanOrEqual(20_000_000n);
    expect(typeof sealed.attributes['messaging.message.body.size']).toBe('number');
  });

  it('marks failures as errors with their reason', () => {
    const t = TestSimulation.of(
      { src: ['producer', { rate: 10, count: 1 }], gate: ['access-control', {}], dlq: 'dead-letter' },
      ['src -> gate', 'gate:dead-letter -> dlq'],
      { until: 1000, keepTrace: true },
    );
    t.run();
    const spans = conversationSpans(t.sim, 'm1');
    expect(spans.map((s) => [s.attributes['studio.node.id'], s.status])).toEqual([
      ['src', { code: 'STATUS_CODE_OK' }],
      ['gate', { code: 'STATUS_CODE_ERROR', message: 'denied' }],
      ['dlq', { code: 'STATUS_CODE_ERROR', message: 'denied' }],
    ]);
  });

  it('parents a batch on its first item and a debatched item on its batch, across conversations', () => {
    const t = TestSimulation.of(
      {
        src: ['producer', { rate: 100, count: 4, arrival: 'constant' }],
        batch: ['batcher', { maxCount: 4, window: 0 }],
        split: 'debatcher',
        out: 'sink',
      },
      ['src -> batch', 'batch -> split', 'split -> out'],
      { until: 1000, keepTrace: true },
    );
    t.run();
    // the batch (m5) belongs to m1's conversation; item m3's conversation continues after the split
    const first = conversationSpans(t.sim, 'm1');
    const batchSpan = first.find((s) => s.attributes['messaging.message.id'] === 'm5' && s.attributes['studio.node.id'] === 'batch')!;
    const itemAtBatcher = first.find((s) => s.attributes['messaging.message.id'] === 'm1' && s.attributes['studio.node.id'] === 'batch')!;
    expect(batchSpan.parentSpanId).toBe(itemAtBatcher.spanId);
    const third = conversationSpans(t.sim, 'm3');
    expect(third.map((s) => [s.attributes['messaging.message.id'], s.attributes['studio.node.id']])).toEqual([
      ['m3', 'src'],
      ['m3', 'batch'],
      ['m8', 'split'],
      ['m8', 'out'],
    ]);
    const batchAtSplit = first.find((s) => s.attributes['messaging.message.id'] === 'm5' && s.attributes['studio.node.id'] === 'split')!;
    // the item's first span hangs under the batch's span at the debatcher, in the batch's trace
    expect(third[2].parentSpanId).toBe(batchAtSplit.spanId);
    expect(third[2].attributes['messaging.message.causation_id']).toBe('m5');
  });

  it('parents a publish-subscribe copy on the original at the channel', () => {
    const t = TestSimulation.of(
      { src: ['producer', { rate: 10, count: 1 }], pub: 'publish-subscribe', a: 'sink', b: 'sink' },
      ['src -> pub', 'pub -> a', 'pub -> b'],
      { until: 1000, keepTrace: true },
    );
    t.run();
    const spans = conversationSpans(t.sim, 'm1');
    const at = (id: string, node: string) => spans.find((s) => s.attributes['messaging.message.id'] === id && s.attributes['studio.node.id'] === node)!;
    // the copy keeps the original's causation (null), yet hangs under the original's span at the channel
    expect(at('m2', 'pub').attributes['messaging.message.causation_id']).toBeUndefined();
    expect(at('m2', 'pub').parentSpanId).toBe(at('m1', 'pub').spanId);
    expect(spans.filter((s) => s.parentSpanId === '')).toHaveLength(1);
    const d = sequenceDiagram(t.sim, 'm1');
    expect(d.steps.find((s) => s.kind === 'derive')).toMatchObject({ messageId: 'm2', parentId: 'm1', from: 'pub' });
  });

  it('exports OTLP/JSON: resource, scope, spans with typed attribute values and numeric kinds', () => {
    const t = simpleFlow();
    const otlp = exportConversationOtlp(t.sim, 'm1');
    const text = JSON.stringify(otlp);
    const back = JSON.parse(text) as typeof otlp;
    const rs = back.resourceSpans[0];
    expect(rs.resource.attributes).toContainEqual({ key: 'studio.topology', value: { stringValue: 'test' } });
    const spans = rs.scopeSpans[0].spans;
    expect(spans).toHaveLength(6);
    expect(spans[0].kind).toBe(4);
    expect(spans[5].kind).toBe(5);
    expect(spans[1].kind).toBe(1);
    expect(spans[0].attributes).toContainEqual({ key: 'studio.hop', value: { intValue: '0' } });
    expect(spans[0].attributes).toContainEqual({ key: 'messaging.message.conversation_id', value: { stringValue: 'm1' } });
    expect(spans[0].status).toEqual({ code: 1 });
    // no payloads and no key material in the export
    expect(text).not.toContain('$binary');
  });
});

describe('sequence diagram data', () => {
  it('orders sends, derivations and the end of a conversation, with arrival times over links', () => {
    const t = simpleFlow();
    const d = sequenceDiagram(t.sim, 'm1');
    expect(d.participants.map((p) => p.id)).toEqual(['src', 'queue', 'work', 'enc', 'out']);
    expect(d.steps.map((s) => `${s.kind} ${s.from}->${s.to} ${s.messageId}`)).toEqual([
      'send src->queue m1',
      'send queue->work m1',
      'send work->enc m1',
      'merge enc->enc m1',
      'derive enc->enc m2',
      'send enc->out m2',
      'complete out->out m2',
    ]);
    expect(d.steps[4].parentId).toBe('m1');
    const wire = d.steps[5];
    expect(wire.arrivedAt! - wire.time).toBeGreaterThanOrEqual(20);
    expect(d.steps[0]).toMatchObject({ time: 0, arrivedAt: 0, edgeId: 'e1' });
    for (let i = 1; i < d.steps.length; i++) expect(d.steps[i].time).toBeGreaterThanOrEqual(d.steps[i - 1].time);
  });

  it('shows nacks back to the channel and dead letters with reasons', () => {
    const t = TestSimulation.of(
      {
        src: ['producer', { rate: 10, count: 1 }],
        queue: ['point-to-point', { maxDeliveries: 2 }],
        work: ['service-activator', { failureRate: 1, onFailure: 'nack', serviceTime: constant(1) }],
        dlq: 'dead-letter',
      },
      ['src -> queue', 'queue -> work', 'queue:dead-letter -> dlq'],
      { until: 1000, keepTrace: true },
    );
    t.run();
    const d = sequenceDiagram(t.sim, 'm1');
    expect(d.steps.map((s) => `${s.kind} ${s.from}->${s.to}${s.reason ? ' ' + s.reason : ''}`)).toEqual([
      'send src->queue',
      'send queue->work',
      'nack work->queue',
      'send queue->work',
      'nack work->queue',
      'send queue->dlq max-redeliveries',
      'dead-letter dlq->dlq max-redeliveries',
    ]);
  });

  it('is empty for an unknown conversation', () => {
    const t = simpleFlow();
    expect(sequenceDiagram(t.sim, 'nope')).toEqual({ correlationId: 'nope', participants: [], steps: [] });
    expect(conversationSpans(t.sim, 'nope')).toEqual([]);
  });
});
