/**
 * Recipient list: each configured recipient is an output port. A message goes to the static recipients
 * (`always`) plus those a dynamic list names: an expression (a list of names, or one name) or a
 * comma-separated header. Every recipient gets its own instance (the first the message itself, the others
 * derived copies with the same correlation and causation).
 *
 * How a recipient fails in the simulation: its port has nothing connected (nobody to deliver to: never
 * retried), its name is not a configured recipient (never retried), or a delivery attempt fails with the
 * recipient's `failureRate` (a simulated broker or network refusal). On failure:
 * - `continue`: that recipient's instance is dead-lettered (`error`, with the recipient and the reason);
 *   the others are delivered;
 * - `retry`: the attempt is repeated after an exponential backoff with jitter, up to `retry.maxAttempts`,
 *   then it is treated as with continue; the instance waits here meanwhile;
 * - `fail-all`: all attempts are made first; if any fails nothing is delivered and the message is
 *   dead-lettered with every failure.
 * Per message the aggregate status is delivered (all recipients), partial or failed (none); per recipient
 * the counts of delivered and failed instances. A message with no recipient at all is dead-lettered as
 * `no-route`, and an expression that fails as `error`.
 */
import type { z } from 'zod';
import type { Message } from '../../model/message';
import type { recipientListConfig } from '../../model/kinds/routing';
import { ExpressionError, type CompiledExpression } from '../expressions';
import type { NodeBehavior, NodeContext, PatternDefinition } from '../pattern';
import { compileConfigExpression } from './contentBasedRouter';
import { backoffDelay } from './serviceActivator';

type Config = z.output<typeof recipientListConfig>;

/** The most names a dynamic list may hold. */
export const MAX_DYNAMIC_RECIPIENTS = 64;
const RETRY = 0;

interface Recipient {
  name: string;
  always: boolean;
  failureRate: number;
  connected: boolean;
  delivered: number;
  failed: number;
}

/** The outcome of one message across its recipients. */
interface Aggregate {
  pending: number;
  ok: number;
  failed: number;
}

/** One recipient's instance waiting for a retry. */
interface Delivery {
  msg: Message;
  r: Recipient;
  attempt: number;
  agg: Aggregate;
}

/** Turns what a recipients expression gave into names, or says why it cannot. */
export function recipientNames(v: unknown): string[] | string {
  if (v === null || v === undefined) return [];
  if (typeof v === 'string') return splitNames(v);
  if (Array.isArray(v)) {
    const names: string[] = [];
    for (const item of v) {
      if (typeof item !== 'string')
        return `the recipients list holds ${item === null ? 'null' : withArticle(typeof item)}, not a name`;
      names.push(...splitNames(item));
    }
    return names;
  }
  return `the recipients expression gave ${withArticle(typeof v)}, not a list of names`;
}

const withArticle = (word: string) => (/^[aeiou]/.test(word) ? 'an ' : 'a ') + word;

function splitNames(s: string): string[] {
  return s
    .split(',')
    .map((n) => n.trim())
    .filter((n) => n.length > 0);
}

/** The recipient list (see the file comment). */
export const recipientList: PatternDefinition = {
  kind: 'recipient-list',
  create(ctx: NodeContext<Config>): NodeBehavior {
    const c = ctx.config;
    const recipients: Recipient[] = c.recipients.map((r) => ({
      name: r.name,
      always: r.always,
      failureRate: r.failureRate,
      connected: ctx.outEdges(r.name).length > 0,
      delivered: 0,
      failed: 0,
    }));
    const byName = new Map(recipients.map((r) => [r.name, r]));
    const statics = recipients.filter((r) => r.always);
    const expr: CompiledExpression | null =
      c.dynamic === 'expression' ? compileConfigExpression(ctx.id, 'config.expression', c.expression) : null;
    const evalCtx = { now: 0 };
    let delivered = 0;
    let partial = 0;
    let failed = 0;
    let retries = 0;
    let waiting = 0;

    const settle = (agg: Aggregate, ok: boolean) => {
      if (ok) agg.ok++;
      else agg.failed++;
      if (--agg.pending > 0) return;
      if (agg.failed === 0) delivered++;
      else if (agg.ok === 0) failed++;
      else partial++;
    };

    /** One delivery attempt's failure, or null when it succeeds (draws from the node's stream). */
    const attemptFails = (r: Recipient): string | null => {
      if (!r.connected) return 'nothing is connected to its port';
      if (ctx.rng.chance(r.failureRate)) return 'delivery failed';
      return null;
    };

    const tryDeliver = (d: Delivery) => {
      d.attempt++;
      const why = attemptFails(d.r);
      if (why === null) {
        d.r.delivered++;
        ctx.emit(d.r.name, d.msg);
        settle(d.agg, true);
        return;
      }
      ctx.countFailed();
      if (c.onFailure === 'retry' && d.r.connected && d.attempt < c.retry.maxAttempts) {
        retries++;
        waiting++;
        ctx.countRetried();
        ctx.schedule(backoffDelay(c.retry, d.attempt, ctx.rng.next()), RETRY, d.msg, d);
        return;
      }
      d.r.failed++;
      const after = d.attempt > 1 ? ` after ${d.attempt} attempts` : '';
      ctx.deadLetter(d.msg, 'error', `recipient "${d.r.name}": ${why}${after}`);
      settle(d.agg, false);
    };

    /** The recipients of a message and the unknown names, or null when it was dead-lettered. */
    const resolve = (msg: Message): { targets: Recipient[]; unknown: string[] } | null => {
      let names: string[] | string = [];
      if (expr) {
        try {
          evalCtx.now = ctx.now();
          names = recipientNames(expr.evaluate(msg, evalCtx));
        } catch (e) {
          if (!(e instanceof ExpressionError)) throw e;
          names = `recipients expression: ${e.message}`;
        }
      } else if (c.dynamic === 'header') {
        const h = Object.hasOwn(msg.headers, c.header) ? msg.headers[c.header] : '';
        names = splitNames(h);
      }
      if (typeof names === 'string') {
        ctx.deadLetter(msg, 'error', names);
        return null;
      }
      if (names.length > MAX_DYNAMIC_RECIPIENTS) {
        ctx.deadLetter(msg, 'error', `${names.length} recipients named; at most ${MAX_DYNAMIC_RECIPIENTS}`);
        return null;
      }
      const targets = statics.slice();
      const unknown: string[] = [];
      for (const n of names) {
        const r = byName.get(n);
        if (!r) {
          if (!unknown.includes(n)) unknown.push(n);
        } else if (!targets.includes(r)) targets.push(r);
      }
      if (targets.length === 0 && unknown.length === 0) {
        ctx.deadLetter(msg, 'no-route', 'no recipients');
        return null;
      }
      return { targets, unknown };
    };

    const failAll = (msg: Message, targets: Recipient[], unknown: string[]) => {
      const failures = unknown.map((n) => `"${n}": not a recipient`);
      const outcomes = targets.map((r) => attemptFails(r));
      outcomes.forEach((why, i) => {
        if (why !== null) failures.push(`"${targets[i].name}": ${why}`);
      });
      if (failures.length) {
        ctx.countFailed(failures.length);
        outcomes.forEach((why, i) => {
          if (why !== null) targets[i].failed++;
        });
        failed++;
        ctx.deadLetter(msg, 'error', `not delivered (fail-all): ${failures.join('; ')}`);
        return;
      }
      for (let i = 1; i < targets.length; i++) {
        targets[i].delivered++;
        ctx.emit(targets[i].name, ctx.derive(msg, { causationId: msg.causationId }));
      }
      targets[0].delivered++;
      ctx.emit(targets[0].name, msg);
      delivered++;
    };

    return {
      onMessage(msg) {
        const resolved = resolve(msg);
        if (!resolved) return;
        const { targets, unknown } = resolved;
        if (c.onFailure === 'fail-all') {
          failAll(msg, targets, unknown);
          return;
        }
        const agg: Aggregate = { pending: targets.length + unknown.length, ok: 0, failed: 0 };
        // every recipient gets its own instance: copies first (they read the original), the original last
        const instances: Message[] = [msg];
        for (let i = 1; i < agg.pending; i++)
          instances.push(ctx.derive(msg, { causationId: msg.causationId }));
        unknown.forEach((n, i) => {
          ctx.countFailed();
          ctx.deadLetter(instances[targets.length + i], 'error', `"${n}" is not a recipient`);
          settle(agg, false);
        });
        for (let i = targets.length - 1; i >= 0; i--)
          tryDeliver({ msg: instances[i], r: targets[i], attempt: 0, agg });
      },
      onTimer(_tag, _msg, data) {
        waiting--;
        tryDeliver(data as Delivery);
      },
      held: () => waiting,
      view: () => {
        const figures: Record<string, number> = { delivered, partial, failed, retries, waiting };
        for (const r of recipients) {
          figures[`${r.name}:delivered`] = r.delivered;
          figures[`${r.name}:failed`] = r.failed;
        }
        return { figures };
      },
    };
  },
};
