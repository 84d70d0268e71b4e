/**
 * Upcasters: rules that rewrite events stored with an old schema version into the newest one, on read.
 * A chain applies while a rule exists for the event's type and current version (v1 → v2 → v3). The stored
 * event is never changed; the event read carries `upcastFrom` with the version it was stored with.
 *
 * @example
 * const up = new Upcasters('store', [{ type: 'Deposited', from: 1, to: 2, set: { currency: '"EUR"' }, remove: [] }]);
 * up.read(storedV1Event); // { ...event, schemaVersion: 2, payload: { amount: 5, currency: 'EUR' }, upcastFrom: 1 }
 */
import type { JsonValue } from '../../model/message';
import type { ReadEvent, StoredEvent } from '../../model/kinds/eventSourcing';
import { ExpressionMap, isObject } from './expr';

/** An upcaster rule as in the event store's config. */
export interface UpcasterSpec {
  type: string;
  from: number;
  to: number;
  set: Record<string, string>;
  remove: string[];
}

interface Rule {
  to: number;
  set: ExpressionMap;
  remove: readonly string[];
}

/** The compiled upcasters of one store. */
export class Upcasters {
  private readonly byType = new Map<string, Map<number, Rule>>();
  /** Events rewritten on read since the start. */
  upcastCount = 0;
  /** Upcasts that failed (the event is read as stored). */
  errors = 0;

  constructor(where: string, specs: readonly UpcasterSpec[]) {
    specs.forEach((s, i) => {
      let m = this.byType.get(s.type);
      if (!m) this.byType.set(s.type, (m = new Map()));
      // the first rule listed for a (type, from) pair wins
      if (!m.has(s.from))
        m.set(s.from, {
          to: s.to,
          set: new ExpressionMap(`${where}.upcasters[${i}].set`, s.set),
          remove: s.remove,
        });
    });
  }

  /** Whether any rule exists. */
  get empty(): boolean {
    return this.byType.size === 0;
  }

  /** The newest schema version of a type reachable from `version`. */
  latest(type: string, version: number): number {
    const m = this.byType.get(type);
    let v = version;
    for (let guard = 0; m && guard < 1000; guard++) {
      const r = m.get(v);
      if (!r) break;
      v = r.to;
    }
    return v;
  }

  /** The event as read: itself when no rule applies, else a new, upcast event. */
  read(e: StoredEvent, now = 0): ReadEvent {
    const m = this.byType.get(e.type);
    if (m === undefined || !m.has(e.schemaVersion)) return e;
    let version = e.schemaVersion;
    let payload: JsonValue = e.payload;
    try {
      for (let guard = 0; guard < 1000; guard++) {
        const r = m.get(version);
        if (!r) break;
        const next: Record<string, JsonValue> = isObject(payload) ? { ...payload } : {};
        r.set.evaluateInto(next, payload, e.type, now);
        for (const f of r.remove) delete next[f];
        payload = next;
        version = r.to;
      }
    } catch {
      this.errors++;
      return e;
    }
    this.upcastCount++;
    return { ...e, schemaVersion: version, payload, upcastFrom: e.schemaVersion };
  }
}
