import { describe, expect, it } from 'vitest';
import type { JsonValue, Message } from '../../model/message';
import { validateTopology } from '../../model/topology';
import { buildTopology, TestSimulation } from '../testing/TestSimulation';
import { Outcome } from '../trace';
import {
  compileFieldPath,
  copyJson,
  dropField,
  readField,
  TranslationError,
  writeField,
  type WorkingMessage,
} from './translatorFields';
import { decodeXmlText, parseXmlPayload, renderXmlPayload } from './translatorXml';

const one = (message: Record<string, unknown>, count = 1) =>
  ['producer', { rate: 100, arrival: 'constant', count, message }] as const;

/** Runs one producer → translator → sink (dead letters to dlq) and returns what reached the sink and the dlq. */
function translate(message: Record<string, unknown>, config: Record<string, unknown>, count = 1) {
  const t = TestSimulation.of(
    { src: one(message, count), tr: ['message-translator', config], out: 'sink', dlq: 'dead-letter' },
    ['src -> tr', 'tr -> out', 'tr:dead-letter -> dlq'],
    { keepTrace: true },
  );
  t.run();
  const spans = t.spans();
  const out: Message[] = [];
  for (let i = 0; i < spans.count; i++) {
    if (spans.node[i] === t.indexOf('out') && spans.outcome[i] === Outcome.Completed)
      out.push(t.sim.trace.findMessage(spans.msg[i])!);
  }
  const dead = (t.action('dlq', 'list') as { items: { reason: string; detail: string }[] }).items;
  return { t, out, dead };
}

describe('message translator: pipeline', () => {
  it('XML → JSON: parses elements, repeated elements, attributes and numbers; the new type is set', () => {
    const { out, dead } = translate(
      {
        kind: 'document',
        type: 'Order',
        payload: '<order id="7"><sku>A-1</sku><qty>3</qty><tag>x</tag><tag>y</tag><code>007</code></order>',
      },
      { input: 'xml', type: 'OrderParsed' },
    );
    expect(dead).toEqual([]);
    expect(out).toHaveLength(1);
    expect(out[0].type).toBe('OrderParsed');
    expect(out[0].payload).toEqual({ '@_id': '7', sku: 'A-1', qty: 3, tag: ['x', 'y'], code: '007' });
  });

  it('JSON → XML: escapes text and attribute values', () => {
    const { out } = translate(
      { payload: { note: '<b>&"', '@_id': 'a"b', n: 2 } },
      { output: 'xml', xmlRoot: 'Order' },
    );
    expect(out[0].payload).toBe('<Order id="a&quot;b"><note>&lt;b&gt;&amp;&quot;</note><n>2</n></Order>');
    // and back: the predefined entities are decoded
    expect(parseXmlPayload(out[0].payload)).toEqual({ '@_id': 'a"b', note: '<b>&"', n: 2 });
  });

  it('refuses unsafe XML: DOCTYPE (entities), __proto__ and constructor names, bad XML, several roots, non-text', () => {
    const cases: [JsonValue, RegExp][] = [
      ['<?xml version="1.0"?><!DOCTYPE a [<!ENTITY e "boom">]><a>&e;</a>', /DOCTYPE/],
      ['<a><__proto__><polluted>1</polluted></__proto__></a>', /__proto__/],
      ['<a><constructor>1</constructor></a>', /constructor/],
      ['<a><b></a>', /invalid XML/],
      ['<a/><b/>', /one root element/],
      [{ not: 'xml' }, /not XML text/],
    ];
    for (const [payload, detail] of cases) {
      const { out, dead } = translate({ payload }, { input: 'xml' });
      expect(out).toEqual([]);
      expect(dead).toHaveLength(1);
      expect(dead[0].reason).toBe('invalid');
      expect(dead[0].detail).toMatch(detail);
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('refuses keys that cannot be XML names when rendering (no markup injection through keys)', () => {
    const { dead } = translate({ payload: { 'a><script': 1 } }, { output: 'xml' });
    expect(dead[0]).toMatchObject({
      reason: 'invalid',
      detail: 'the field "a><script" cannot be an XML name',
    });
  });

  it('field mapping: rename (also across payload and headers), drop, set from an expression, in order', () => {
    const { out } = translate(
      {
        type: 'Order',
        headers: { region: 'eu', secret: 's' },
        payload: { qty: 3, price: 4, customer: { id: 'c1' } },
      },
      {
        mapping: [
          { op: 'rename', from: 'payload.customer.id', to: 'payload.customerId' },
          { op: 'set', path: 'payload.total', value: 'payload.qty * payload.price' },
          { op: 'drop', path: 'payload.price' },
          { op: 'drop', path: 'headers.secret' },
          { op: 'rename', from: 'headers.region', to: 'payload.region' },
          { op: 'set', path: 'headers.total', value: 'payload.total' },
          { op: 'set', path: 'payload.lines.0.sku', value: 'upper("a-1")' },
          { op: 'set', path: 'payload.gone', value: 'payload.nothing' },
        ],
      },
    );
    expect(out[0].payload).toEqual({
      qty: 3,
      customer: {},
      customerId: 'c1',
      total: 12,
      region: 'eu',
      lines: { 0: { sku: 'A-1' } },
    });
    expect(out[0].headers).toEqual({ total: '12' });
  });

  it('enrichment from a lookup table: hit, skip, null, dead-letter', () => {
    const table = { c1: { name: 'Ada', tier: 'gold' } };
    const hit = translate(
      { payload: { customer: 'c1' } },
      { enrich: [{ key: 'payload.customer', into: 'payload.profile', table }] },
    );
    expect(hit.out[0].payload).toEqual({ customer: 'c1', profile: { name: 'Ada', tier: 'gold' } });
    const skip = translate(
      { payload: { customer: 'c9' } },
      { enrich: [{ key: 'payload.customer', into: 'payload.profile', table }] },
    );
    expect(skip.out[0].payload).toEqual({ customer: 'c9' });
    const asNull = translate(
      { payload: { customer: 'c9' } },
      { enrich: [{ key: 'payload.customer', into: 'payload.profile', table, missing: 'null' }] },
    );
    expect(asNull.out[0].payload).toEqual({ customer: 'c9', profile: null });
    const dead = translate(
      { payload: { customer: 'c9' } },
      { enrich: [{ key: 'payload.customer', into: 'payload.profile', table, missing: 'dead-letter' }] },
    );
    expect(dead.out).toEqual([]);
    expect(dead.dead[0]).toMatchObject({
      reason: 'invalid',
      detail: 'payload.customer = "c9" is not in the lookup table',
    });
    // the table's own prototype is never consulted
    const proto = translate(
      { payload: { customer: 'toString' } },
      { enrich: [{ key: 'payload.customer', into: 'payload.p', table, missing: 'null' }] },
    );
    expect(proto.out[0].payload).toEqual({ customer: 'toString', p: null });
  });

  it('version upcasting: chains v1 → v2 → v3, assumes a version when missing, leaves newer ones alone', () => {
    const upcast = {
      versionField: 'payload.version',
      assume: 'v1',
      steps: [
        { from: 'v2', to: 'v3', ops: [{ op: 'set', path: 'payload.currency', value: '"EUR"' }] },
        { from: 'v1', to: 'v2', ops: [{ op: 'rename', from: 'payload.cust', to: 'payload.customer' }] },
      ],
    };
    expect(translate({ payload: { version: 'v1', cust: 'c1' } }, { upcast }).out[0].payload).toEqual({
      version: 'v3',
      customer: 'c1',
      currency: 'EUR',
    });
    expect(translate({ payload: { cust: 'c1' } }, { upcast }).out[0].payload).toEqual({
      customer: 'c1',
      currency: 'EUR',
      version: 'v3',
    });
    expect(translate({ payload: { version: 'v3', x: 1 } }, { upcast }).out[0].payload).toEqual({
      version: 'v3',
      x: 1,
    });
    // steps that form a loop run at most once each
    const loop = {
      versionField: 'headers.v',
      steps: [
        { from: 'a', to: 'b' },
        { from: 'b', to: 'a' },
      ],
    };
    expect(translate({ headers: { v: 'a' } }, { upcast: loop }).out[0].headers).toEqual({ v: 'a' });
  });

  it('a failing expression dead-letters the message as error with the text', () => {
    const { dead } = translate(
      { payload: { n: 1 } },
      { mapping: [{ op: 'set', path: 'payload.x', value: 'lower(payload.n)' }] },
    );
    expect(dead[0].reason).toBe('error');
    expect(dead[0].detail).toMatch(/^expression: lower\(\) needs text/);
  });

  it('a field that cannot be set dead-letters the message as invalid', () => {
    const { dead } = translate(
      { payload: { a: 5 } },
      { mapping: [{ op: 'set', path: 'payload.a.b', value: '1' }] },
    );
    expect(dead[0]).toMatchObject({
      reason: 'invalid',
      detail: 'cannot set payload.a.b: payload.a is a number',
    });
  });

  it('the trace shows the message before and after: the original ends merged, the translation is caused by it', () => {
    const { t, out } = translate(
      { type: 'Order', payload: { cust: 'c1' } },
      { mapping: [{ op: 'rename', from: 'payload.cust', to: 'payload.customer' }], type: 'Order2' },
    );
    const after = out[0];
    const before = t.sim.trace.findMessage(Number(after.causationId!.slice(1)))!;
    expect(before.id).toBe(after.causationId);
    expect(before.payload).toEqual({ cust: 'c1' });
    expect(before.type).toBe('Order');
    expect(after.payload).toEqual({ customer: 'c1' });
    expect(after.correlationId).toBe(before.correlationId);
    const spans = t.spans();
    const atTranslator: number[] = [];
    for (let i = 0; i < spans.count; i++)
      if (spans.node[i] === t.indexOf('tr')) atTranslator.push(spans.outcome[i]);
    expect(atTranslator).toEqual([Outcome.Merged, Outcome.Forwarded]);
    const a = t.accounting();
    expect(a).toMatchObject({ produced: 1, derived: 1, merged: 1, completed: 1, inFlight: 0 });
  });

  it('never changes the original payload (payloads are shared and immutable)', () => {
    const payload = { a: { b: 1 }, list: [1, 2] };
    const w: WorkingMessage = { headers: {}, payload: copyJson(payload)! };
    writeField(w, compileFieldPath('payload.a.b'), 2);
    dropField(w, compileFieldPath('payload.list.0'));
    expect(payload).toEqual({ a: { b: 1 }, list: [1, 2] });
    expect(w.payload).toEqual({ a: { b: 2 }, list: [2] });
  });
});

describe('message translator: fields, copies and XML helpers', () => {
  it('reads own properties only', () => {
    const w: WorkingMessage = { headers: {}, payload: { a: [10, 20] } };
    expect(readField(w, compileFieldPath('payload.a.1'))).toBe(20);
    expect(readField(w, compileFieldPath('payload.a.length'))).toBeUndefined();
    expect(readField(w, compileFieldPath('payload.toString'))).toBeUndefined();
    expect(readField(w, compileFieldPath('headers.toString'))).toBeUndefined();
  });

  it('copyJson refuses forbidden keys and too deep data, and makes non-JSON values JSON', () => {
    expect(() => copyJson(JSON.parse('{"__proto__": {"x": 1}}'))).toThrow(TranslationError);
    let deep: JsonValue = 1;
    for (let i = 0; i < 200; i++) deep = [deep];
    expect(() => copyJson(deep)).toThrow(/deeper/);
    expect(copyJson({ a: NaN, b: undefined, c: [Infinity] })).toEqual({ a: null, c: [null] });
  });

  it('writes into arrays by index only within bounds', () => {
    const w: WorkingMessage = { headers: {}, payload: { a: [1] } };
    writeField(w, compileFieldPath('payload.a.1'), 2);
    expect(w.payload).toEqual({ a: [1, 2] });
    expect(() => writeField(w, compileFieldPath('payload.a.5'), 2)).toThrow(/not an index/);
  });

  it('decodes only the predefined entities and character references', () => {
    expect(decodeXmlText('&lt;&amp;&#65;&#x42;&unknown;&#0;')).toBe('<&AB&unknown;&#0;');
  });

  it('renders null as an empty element and arrays as repeated elements', () => {
    expect(renderXmlPayload({ a: null, b: [1, 2] }, 'm')).toBe('<m><a/><b>1</b><b>2</b></m>');
  });

  it('validation refuses __proto__ in a field path and a bad XML root name', () => {
    const bad = validateTopology(
      buildTopology({
        tr: [
          'message-translator',
          { xmlRoot: '1bad', mapping: [{ op: 'drop', path: 'payload.__proto__.x' }] },
        ],
      }),
    );
    expect(bad.ok).toBe(false);
    if (!bad.ok)
      expect(bad.errors.map((e) => [e.code, e.path])).toEqual([
        ['E122', 'nodes[0].config.xmlRoot'],
        ['E122', 'nodes[0].config.mapping[0].path'],
      ]);
  });
});
