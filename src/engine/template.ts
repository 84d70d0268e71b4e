/**
 * Message templates: the payload and headers of a producer's messages, with placeholders filled per
 * message. Compiled once per run into a tree of parts, so nothing is parsed per message and static parts
 * are shared. Placeholders (inside any string value):
 *
 * - `{{seq}}` the producer's message number (1, 2, …); `{{now}}` virtual time in ms
 * - `{{randInt A B}}` a whole number in [A, B]; `{{randFloat A B}}` a number in [A, B)
 * - `{{pick a b c}}` one of the words; `{{uuid}}` a random UUID (from the node's seeded stream)
 *
 * A string that is exactly one numeric placeholder becomes a number.
 *
 * @example
 * const t = compileTemplate({ sku: 'A-{{randInt 1 9}}', qty: '{{randInt 1 5}}' });
 * t.fill(rng, 1, 0); // { sku: 'A-4', qty: 3 }
 */
import type { JsonValue } from '../model/message';
import type { Rng } from './rng';

type Part = { t: 'text'; v: string } | { t: 'seq' } | { t: 'now' } | { t: 'int'; a: number; b: number } | { t: 'float'; a: number; b: number } | { t: 'pick'; v: string[] } | { t: 'uuid' };

type Node =
  | { t: 'static'; v: JsonValue }
  | { t: 'string'; parts: Part[]; numeric: boolean }
  | { t: 'array'; items: Node[] }
  | { t: 'object'; keys: string[]; values: Node[] };

/** A compiled template. */
export interface CompiledTemplate {
  /** True when it has no placeholders (the same value can be shared by every message). */
  readonly isStatic: boolean;
  /** Makes one value. */
  fill(rng: Rng, seq: number, now: number): JsonValue;
}

const PLACEHOLDER = /\{\{\s*([^}]*?)\s*\}\}/g;

/** Error in a template placeholder, with the path where it is. */
export class TemplateError extends Error {}

function parseString(s: string, path: string): Node {
  const parts: Part[] = [];
  let last = 0;
  let dynamic = false;
  for (const m of s.matchAll(PLACEHOLDER)) {
    if (m.index > last) parts.push({ t: 'text', v: s.slice(last, m.index) });
    last = m.index + m[0].length;
    const words = m[1].split(/\s+/).filter(Boolean);
    const [name, ...args] = words;
    dynamic = true;
    switch (name) {
      case 'seq':
        parts.push({ t: 'seq' });
        break;
      case 'now':
        parts.push({ t: 'now' });
        break;
      case 'uuid':
        parts.push({ t: 'uuid' });
        break;
      case 'randInt':
      case 'randFloat': {
        const a = Number(args[0]);
        const b = Number(args[1]);
        if (args.length !== 2 || !Number.isFinite(a) || !Number.isFinite(b) || a > b) {
          throw new TemplateError(`${path}: {{${name} A B}} needs two numbers with A ≤ B`);
        }
        parts.push(name === 'randInt' ? { t: 'int', a: Math.ceil(a), b: Math.floor(b) } : { t: 'float', a, b });
        break;
      }
      case 'pick':
        if (args.length === 0) throw new TemplateError(`${path}: {{pick …}} needs at least one word`);
        parts.push({ t: 'pick', v: args });
        break;
      default:
        throw new TemplateError(`${path}: unknown placeholder {{${m[1]}}} (use seq, now, uuid, randInt, randFloat, pick)`);
    }
  }
  if (!dynamic) return { t: 'static', v: s };
  if (last < s.length) parts.push({ t: 'text', v: s.slice(last) });
  const numeric = parts.length === 1 && parts[0].t !== 'text' && parts[0].t !== 'pick' && parts[0].t !== 'uuid';
  return { t: 'string', parts, numeric };
}

function compileNode(v: JsonValue, path: string): Node {
  if (typeof v === 'string') return parseString(v, path);
  if (Array.isArray(v)) {
    const items = v.map((x, i) => compileNode(x, `${path}[${i}]`));
    return items.every((x) => x.t === 'static') ? { t: 'static', v } : { t: 'array', items };
  }
  if (v !== null && typeof v === 'object') {
    const keys = Object.keys(v);
    const values = keys.map((k) => compileNode(v[k], path ? `${path}.${k}` : k));
    return values.every((x) => x.t === 'static') ? { t: 'static', v } : { t: 'object', keys, values };
  }
  return { t: 'static', v };
}

function hex(rng: Rng, n: number): string {
  let s = '';
  while (s.length < n) s += rng.nextUint32().toString(16).padStart(8, '0');
  return s.slice(0, n);
}

function fillPart(p: Part, rng: Rng, seq: number, now: number): string | number {
  switch (p.t) {
    case 'text':
      return p.v;
    case 'seq':
      return seq;
    case 'now':
      return now;
    case 'int':
      return rng.int(p.a, p.b);
    case 'float':
      return p.a + (p.b - p.a) * rng.next();
    case 'pick':
      return p.v[Math.floor(rng.next() * p.v.length)];
    case 'uuid': {
      const h = hex(rng, 32);
      return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
    }
  }
}

function fillNode(n: Node, rng: Rng, seq: number, now: number): JsonValue {
  switch (n.t) {
    case 'static':
      return n.v;
    case 'string': {
      if (n.numeric) return fillPart(n.parts[0], rng, seq, now);
      let s = '';
      for (const p of n.parts) s += fillPart(p, rng, seq, now);
      return s;
    }
    case 'array':
      return n.items.map((x) => fillNode(x, rng, seq, now));
    case 'object': {
      const o: Record<string, JsonValue> = {};
      for (let i = 0; i < n.keys.length; i++) o[n.keys[i]] = fillNode(n.values[i], rng, seq, now);
      return o;
    }
  }
}

/** Compiles a JSON value with placeholders. Throws `TemplateError` on an unknown or malformed placeholder. */
export function compileTemplate(value: JsonValue, path = ''): CompiledTemplate {
  const root = compileNode(value, path);
  return {
    isStatic: root.t === 'static',
    fill: (rng, seq, now) => fillNode(root, rng, seq, now),
  };
}
