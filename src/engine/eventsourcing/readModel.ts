/**
 * A read model built by a projection, and the queries it answers (the query side of CQRS). Events update
 * rows keyed by an expression (upsert, increment, append, delete); queries get a row by key or list rows
 * with a filter, a sort and a page. Answers are cached for a TTL of virtual time, with hit and miss counts.
 * Events carry their global position in the `position` header; an event at or before the position already
 * applied is skipped, so a replay or a second catch-up never applies an event twice.
 *
 * @example
 * const rm = new ReadModel('orders', spec);
 * rm.apply(orderPlacedMessage);
 * rm.query(getOrderMessage, now); // { ok: true, value: { key: '17', found: true, row: {...} }, cached: false }
 */
import type { JsonValue } from '../../model/message';
import { ExpressionError, type CompiledExpression, type MessageLike } from '../expressions';
import { compileExpr, ExpressionMap, newHolder, toJson } from './expr';

/** The read-model part of a query handler's config. */
export interface ReadModelSpec {
  projection: readonly {
    event: string;
    op: 'upsert' | 'increment' | 'append' | 'delete';
    key: string;
    set: Record<string, string>;
    field?: string;
    value?: string;
  }[];
  queries: readonly {
    type: string;
    op: 'get' | 'list';
    key: string;
    filter?: string;
    sortBy?: string;
    order: 'asc' | 'desc';
    pageSize: number;
    page: string;
  }[];
  cache: { ttl: number; maxEntries: number };
  maxRows: number;
}

/** A row of the read model. */
export type Row = Record<string, JsonValue>;

interface Rule {
  op: 'upsert' | 'increment' | 'append' | 'delete';
  key: CompiledExpression;
  set: ExpressionMap;
  field: string;
  value: CompiledExpression | null;
}

interface Query {
  op: 'get' | 'list';
  key: CompiledExpression;
  filter: CompiledExpression | null;
  sortBy: string | null;
  desc: boolean;
  pageSize: number;
  page: CompiledExpression;
}

/** The most items an `append` keeps in a row's list (the newest). */
export const MAX_ITEMS = 1000;

/** What applying one event did. */
export type ApplyOutcome = 'applied' | 'skipped' | 'ignored' | 'full';

/** Compares two cell values: numbers by value, text by code units, missing last. */
export function compareCells(a: JsonValue | undefined, b: JsonValue | undefined): number {
  const ma = a === undefined || a === null;
  const mb = b === undefined || b === null;
  if (ma || mb) return ma === mb ? 0 : ma ? 1 : -1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  const sa = typeof a === 'string' ? a : JSON.stringify(a);
  const sb = typeof b === 'string' ? b : JSON.stringify(b);
  return sa < sb ? -1 : sa > sb ? 1 : 0;
}

/** A query handler's rows, position, cache and counters (see the module comment). */
export class ReadModel {
  readonly rows = new Map<string, Row>();
  /** Global position of the last event applied (0: none). */
  position = 0;
  /** Counters since the start. */
  readonly stats = { applied: 0, skipped: 0, ignored: 0, errors: 0, full: 0, queries: 0, hits: 0, misses: 0 };
  private readonly rules = new Map<string, Rule[]>();
  private readonly queries = new Map<string, Query>();
  private readonly cache = new Map<string, { at: number; value: JsonValue }>();
  private readonly holder = newHolder('document');

  constructor(
    where: string,
    private readonly spec: ReadModelSpec,
  ) {
    spec.projection.forEach((r, i) => {
      const w = `${where}.projection[${i}]`;
      let list = this.rules.get(r.event);
      if (!list) this.rules.set(r.event, (list = []));
      list.push({
        op: r.op,
        key: compileExpr(`${w}.key`, r.key),
        set: new ExpressionMap(`${w}.set`, r.set),
        field: r.field ?? (r.op === 'append' ? 'items' : 'count'),
        value: r.value !== undefined ? compileExpr(`${w}.value`, r.value) : null,
      });
    });
    spec.queries.forEach((q, i) => {
      if (this.queries.has(q.type)) return;
      const w = `${where}.queries[${i}]`;
      this.queries.set(q.type, {
        op: q.op,
        key: compileExpr(`${w}.key`, q.key),
        filter: q.filter !== undefined ? compileExpr(`${w}.filter`, q.filter) : null,
        sortBy: q.sortBy ?? null,
        desc: q.order === 'desc',
        pageSize: q.pageSize,
        page: compileExpr(`${w}.page`, q.page),
      });
    });
  }

  /** Whether a message type is a query this model answers. */
  answers(type: string): boolean {
    return this.queries.has(type);
  }

  /**
   * Applies one event message. Throws an ExpressionError when a key or value cannot be computed (the
   * position still advances: the event will not be retried).
   */
  apply(e: MessageLike, now: number): ApplyOutcome {
    const p = Number(e.headers.position);
    if (Number.isFinite(p) && p > 0) {
      if (p <= this.position) {
        this.stats.skipped++;
        return 'skipped';
      }
      this.position = p;
    }
    const rules = this.rules.get(e.type);
    if (rules === undefined) {
      this.stats.ignored++;
      return 'ignored';
    }
    const ctx = { now };
    for (const rule of rules) {
      if (this.applyRule(rule, e, ctx) === 'full') return 'full';
    }
    this.stats.applied++;
    return 'applied';
  }

  /** Applies one rule of an event (rules of one event apply in the order they are listed). */
  private applyRule(rule: Rule, e: MessageLike, ctx: { now: number }): 'ok' | 'full' {
    const now = ctx.now;
    try {
      const k = rule.key.evaluate(e, ctx);
      if (k === undefined || k === null || (typeof k !== 'string' && typeof k !== 'number'))
        throw new ExpressionError(`the row key is ${k === null ? 'null' : typeof k}`);
      const key = String(k);
      const old = this.rows.get(key);
      if (rule.op === 'delete') {
        this.rows.delete(key);
      } else {
        if (old === undefined && this.rows.size >= this.spec.maxRows) {
          this.stats.full++;
          return 'full';
        }
        const row: Row = old ? { ...old } : {};
        if (rule.op === 'upsert')
          rule.set.evaluateInto(row, { row: old ?? null, event: e.payload }, e.type, now, e);
        else if (rule.op === 'increment') {
          const by = rule.value ? rule.value.evaluate(e, ctx) : 1;
          if (typeof by !== 'number')
            throw new ExpressionError(`the increment is ${typeof by}, not a number`);
          const cur = row[rule.field];
          row[rule.field] = (typeof cur === 'number' ? cur : 0) + by;
        } else {
          const item = rule.value ? toJson(rule.value.evaluate(e, ctx)) : e.payload;
          const cur = row[rule.field];
          const list = Array.isArray(cur)
            ? cur.length >= MAX_ITEMS
              ? cur.slice(cur.length - MAX_ITEMS + 1)
              : cur.slice()
            : [];
          list.push((item ?? null) as JsonValue);
          row[rule.field] = list;
        }
        this.rows.set(key, row);
      }
    } catch (err) {
      if (err instanceof ExpressionError) this.stats.errors++;
      throw err;
    }
    return 'ok';
  }

  /** Answers a query message: from the cache when a fresh answer is there. */
  query(
    q: MessageLike,
    now: number,
  ): { ok: true; value: JsonValue; cached: boolean } | { ok: false; reason: string } {
    const spec = this.queries.get(q.type);
    if (spec === undefined) return { ok: false, reason: `unknown query type "${q.type}"` };
    this.stats.queries++;
    const ctx = { now };
    let arg: unknown;
    try {
      arg = spec.op === 'get' ? spec.key.evaluate(q, ctx) : spec.page.evaluate(q, ctx);
    } catch (err) {
      if (err instanceof ExpressionError) return { ok: false, reason: err.message };
      throw err;
    }
    const ttl = this.spec.cache.ttl;
    const cacheKey = `${q.type}\u0000${String(arg)}`;
    if (ttl > 0) {
      const hit = this.cache.get(cacheKey);
      if (hit !== undefined && now - hit.at < ttl) {
        this.stats.hits++;
        return { ok: true, value: hit.value, cached: true };
      }
      this.stats.misses++;
    }
    let value: JsonValue;
    if (spec.op === 'get') {
      const key = String(arg);
      const row = this.rows.get(key);
      value = { key, found: row !== undefined, row: row ?? null };
    } else {
      const page = typeof arg === 'number' && arg >= 0 ? Math.floor(arg) : 0;
      const r = this.list(spec, page, now);
      if (!r.ok) return r;
      value = r.value;
    }
    if (ttl > 0) {
      this.cache.delete(cacheKey);
      this.cache.set(cacheKey, { at: now, value });
      if (this.cache.size > this.spec.cache.maxEntries) this.cache.delete(this.cache.keys().next().value!);
    }
    return { ok: true, value, cached: false };
  }

  /** A page of rows sorted by a field (or by key), for the studio's table. */
  page(
    offset: number,
    limit: number,
    sortBy: string | null = null,
    desc = false,
  ): { total: number; rows: { key: string; row: Row }[] } {
    const all = [...this.rows.entries()];
    if (sortBy !== null) all.sort((a, b) => compareCells(a[1][sortBy], b[1][sortBy]) * (desc ? -1 : 1));
    return { total: all.length, rows: all.slice(offset, offset + limit).map(([key, row]) => ({ key, row })) };
  }

  /** Forgets every row, the position and the cache (before a replay rebuilds it). */
  reset(): void {
    this.rows.clear();
    this.cache.clear();
    this.position = 0;
  }

  private list(
    spec: Query,
    page: number,
    now: number,
  ): { ok: true; value: JsonValue } | { ok: false; reason: string } {
    const h = this.holder;
    const ctx = { now };
    const hits: { key: string; row: Row }[] = [];
    try {
      for (const [key, row] of this.rows) {
        if (spec.filter !== null) {
          h.payload = row;
          h.id = key;
          if (!spec.filter.test(h, ctx)) continue;
        }
        hits.push({ key, row });
      }
    } catch (err) {
      if (err instanceof ExpressionError) return { ok: false, reason: err.message };
      throw err;
    }
    if (spec.sortBy !== null) {
      const f = spec.sortBy;
      hits.sort((a, b) => compareCells(a.row[f], b.row[f]) * (spec.desc ? -1 : 1));
    }
    const rows = hits
      .slice(page * spec.pageSize, (page + 1) * spec.pageSize)
      .map(({ key, row }) => ({ key, ...row }));
    return { ok: true, value: { total: hits.length, page, pageSize: spec.pageSize, rows } };
  }
}
