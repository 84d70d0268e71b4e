/**
 * Access control: decides for each message whether its principal may perform this gate's operation
 * (publish, subscribe or consume) on the message's topic.
 *
 * The principal is a header's value (`anonymous` when missing) or, with `principalFrom: fixed`, the
 * identity of the consumer behind this gate (for subscribe and consume checks). The topic is the message
 * type or a header. Roles come from `principals`. A rule matches when it names one of the principal's roles
 * (or `*`) or the principal itself, its topic pattern matches (`*` one word, `#` any), and it lists the
 * operation. A matching `deny` wins; else the first matching `allow`; else `default` (rule `default`).
 *
 * Allowed messages go on unchanged; denied ones are dead-lettered as `denied`. Each decision (or each
 * denial only, with `audit.allowed: false`) is appended to the audit log: a ring of `audit.capacity`
 * entries. Actions: `audit` `{ offset?, limit?, decision? }` pages through it (oldest kept first),
 * `exportAudit` returns it as JSON text, `policy` returns the policy in force. `policySchedule` replaces the
 * rules, principals or default at given virtual times.
 */
import type { z } from 'zod';
import type { Message } from '../../model/message';
import type { accessControlConfig, accessRuleSchema } from '../../model/kinds/security';
import type { NodeBehavior, NodeContext, PatternDefinition } from '../pattern';
import { compileTopicPattern } from '../topic';

type Config = z.output<typeof accessControlConfig>;
type Rule = z.output<typeof accessRuleSchema>;

/** One audit log entry. */
export interface AuditEntry {
  /** Position in the log since the start (0-based), also for entries no longer kept. */
  seq: number;
  /** Virtual time of the decision (ms). */
  at: number;
  messageId: string;
  correlationId: string;
  principal: string;
  operation: string;
  topic: string;
  decision: 'allow' | 'deny';
  /** The id of the deciding rule, or `default`. */
  rule: string;
  /** Index of the policy in force: 0 the configured one, n the n-th scheduled change. */
  policy: number;
}

interface CompiledRule {
  id: string;
  roles: Set<string> | null;
  principals: Set<string> | null;
  match: (topic: string) => boolean;
  ops: Set<string>;
  deny: boolean;
}

interface Policy {
  rules: CompiledRule[];
  principals: Record<string, string[]>;
  deny: boolean;
  source: { rules: Rule[]; principals: Record<string, string[]>; default: 'allow' | 'deny' };
}

const POLICY = 0;

function compileRules(rules: readonly Rule[]): CompiledRule[] {
  return rules.map((r) => ({
    id: r.id,
    roles: r.roles ? new Set(r.roles) : r.principals ? null : new Set(['*']),
    principals: r.principals ? new Set(r.principals) : null,
    match: compileTopicPattern(r.topic),
    ops: new Set(r.operations),
    deny: r.effect === 'deny',
  }));
}

/** Decides one request under a policy: the deciding rule id and whether it allows. */
export function decide(policy: Policy, principal: string, operation: string, topic: string): { allow: boolean; rule: string } {
  const roles = Object.prototype.hasOwnProperty.call(policy.principals, principal) ? policy.principals[principal] : [];
  let allowRule: string | null = null;
  for (const r of policy.rules) {
    if (!r.ops.has(operation)) continue;
    const who = (r.principals !== null && r.principals.has(principal)) || (r.roles !== null && (r.roles.has('*') || roles.some((x) => r.roles!.has(x))));
    if (!who || !r.match(topic)) continue;
    if (r.deny) return { allow: false, rule: r.id };
    if (allowRule === null) allowRule = r.id;
  }
  if (allowRule !== null) return { allow: true, rule: allowRule };
  return { allow: !policy.deny, rule: 'default' };
}

export const accessControl: PatternDefinition = {
  kind: 'access-control',
  create(ctx: NodeContext<Config>): NodeBehavior {
    const c = ctx.config;
    const makePolicy = (rules: Rule[], principals: Record<string, string[]>, dflt: 'allow' | 'deny'): Policy => ({
      rules: compileRules(rules),
      principals,
      deny: dflt === 'deny',
      source: { rules, principals, default: dflt },
    });
    let policy = makePolicy(c.rules, c.principals, c.default);
    let policyIndex = 0;
    const schedule = c.policySchedule.map((p, i) => ({ ...p, i: i + 1 })).sort((a, b) => a.at - b.at || a.i - b.i);
    const cap = c.audit.capacity;
    const log: AuditEntry[] = [];
    let logged = 0;
    let allowed = 0;
    let denied = 0;

    const record = (m: Message, principal: string, topic: string, allow: boolean, rule: string) => {
      if (cap === 0 || (allow && !c.audit.allowed)) return;
      const e: AuditEntry = {
        seq: logged,
        at: ctx.now(),
        messageId: m.id,
        correlationId: m.correlationId,
        principal,
        operation: c.operation,
        topic,
        decision: allow ? 'allow' : 'deny',
        rule,
        policy: policyIndex,
      };
      log[logged % cap] = e;
      logged++;
    };

    const kept = () => Math.min(logged, cap);
    const entry = (i: number) => log[(logged - kept() + i) % cap];

    return {
      start() {
        for (const p of schedule) ctx.schedule(p.at, POLICY, null, p);
      },
      onMessage(m) {
        const principal = c.principalFrom === 'fixed' ? c.principal : (m.headers[c.principalHeader] ?? 'anonymous');
        const topic = c.topicFrom === 'type' ? m.type : (m.headers[c.topicHeader] ?? '');
        const d = decide(policy, principal, c.operation, topic);
        record(m, principal, topic, d.allow, d.rule);
        if (d.allow) {
          allowed++;
          ctx.emit('out', m);
        } else {
          denied++;
          ctx.deadLetter(m, 'denied', `rule ${d.rule}: ${principal} may not ${c.operation} ${topic || '(no topic)'}`);
        }
      },
      onTimer(tag, _msg, data) {
        if (tag !== POLICY) return;
        const p = data as (typeof schedule)[number];
        const s = policy.source;
        policy = makePolicy(p.rules ?? s.rules, p.principals ?? s.principals, p.default ?? s.default);
        policyIndex = p.i;
      },
      view: () => ({ state: `policy ${policyIndex}`, figures: { allowed, denied, audit: logged } }),
      action(name, args) {
        if (name === 'audit') {
          const n = kept();
          const offset = Math.max(0, Math.floor(Number(args.offset ?? 0)) || 0);
          const limit = Math.min(1000, Math.max(0, Math.floor(Number(args.limit ?? 100)) || 0));
          const only = args.decision === 'allow' || args.decision === 'deny' ? args.decision : null;
          const entries: AuditEntry[] = [];
          let skipped = 0;
          for (let i = 0; i < n && entries.length < limit; i++) {
            const e = entry(i);
            if (only !== null && e.decision !== only) continue;
            if (skipped++ < offset) continue;
            entries.push({ ...e });
          }
          return { total: logged, kept: n, dropped: logged - n, offset, entries };
        }
        if (name === 'exportAudit') {
          const n = kept();
          const entries: AuditEntry[] = [];
          for (let i = 0; i < n; i++) entries.push(entry(i));
          return JSON.stringify({ node: ctx.id, operation: c.operation, exportedAt: ctx.now(), total: logged, dropped: logged - n, entries }, null, 2);
        }
        if (name === 'policy') return { index: policyIndex, ...policy.source };
        throw new Error(`access-control has no action "${name}"`);
      },
    };
  },
};
