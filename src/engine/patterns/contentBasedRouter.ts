/**
 * Content-based router: ordered rules, each an expression and an output port named after the rule. In
 * `first-match` mode a message leaves by the port of the first rule whose expression is true (later rules
 * are not evaluated). In `all-matches` mode (multicast) every rule is evaluated and each matching port gets
 * the message: the first the instance itself, the others derived copies (same correlation and causation,
 * as publish-subscribe copies). A message no rule matches takes `otherwise` when something is connected
 * there; otherwise it is dead-lettered as `no-route`. An expression that fails while evaluating (step
 * budget, a refused property, a bad argument) dead-letters the message as `error` with the rule and the
 * error text — in all-matches mode before anything is sent, so a message is never half-routed.
 */
import type { z } from 'zod';
import type { Message } from '../../model/message';
import type { contentBasedRouterConfig } from '../../model/kinds/routing';
import { ExpressionError, parseExpression, type CompiledExpression } from '../expressions';
import type { NodeBehavior, NodeContext, PatternDefinition } from '../pattern';

type Config = z.output<typeof contentBasedRouterConfig>;

interface Rule {
  name: string;
  expr: CompiledExpression;
  routed: number;
}

/**
 * Compiles an expression of a node's config; validation has checked it, so a failure here means the
 * topology was not validated and is reported with the node and field.
 */
export function compileConfigExpression(nodeId: string, field: string, text: string): CompiledExpression {
  const r = parseExpression(text);
  if (!r.ok)
    throw new Error(`node "${nodeId}": ${field}: ${r.error.message} at character ${r.error.position}`);
  return r.expr;
}

/** The content-based router (see the file comment). */
export const contentBasedRouter: PatternDefinition = {
  kind: 'content-based-router',
  create(ctx: NodeContext<Config>): NodeBehavior {
    const c = ctx.config;
    const rules: Rule[] = c.rules.map((r, i) => ({
      name: r.name,
      expr: compileConfigExpression(ctx.id, `config.rules[${i}].when`, r.when),
      routed: 0,
    }));
    const hasOtherwise = ctx.outEdges('otherwise').length > 0;
    const multicast = c.mode === 'all-matches';
    const evalCtx = { now: 0 };
    const matched: number[] = [];
    let otherwise = 0;
    let noRoute = 0;
    let errors = 0;

    /** Evaluates rule i; on an expression error dead-letters the message and returns null. */
    const test = (i: number, msg: Message): boolean | null => {
      try {
        return rules[i].expr.test(msg, evalCtx);
      } catch (e) {
        if (!(e instanceof ExpressionError)) throw e;
        errors++;
        ctx.deadLetter(msg, 'error', `rule "${rules[i].name}": ${e.message}`);
        return null;
      }
    };

    const noMatch = (msg: Message) => {
      if (hasOtherwise) {
        otherwise++;
        ctx.emit('otherwise', msg);
      } else {
        noRoute++;
        ctx.deadLetter(msg, 'no-route', 'no rule matched and nothing is connected to otherwise');
      }
    };

    return {
      onMessage(msg) {
        evalCtx.now = ctx.now();
        if (!multicast) {
          for (let i = 0; i < rules.length; i++) {
            const hit = test(i, msg);
            if (hit === null) return;
            if (hit) {
              rules[i].routed++;
              ctx.emit(rules[i].name, msg);
              return;
            }
          }
          noMatch(msg);
          return;
        }
        matched.length = 0;
        for (let i = 0; i < rules.length; i++) {
          const hit = test(i, msg);
          if (hit === null) return;
          if (hit) matched.push(i);
        }
        if (matched.length === 0) {
          noMatch(msg);
          return;
        }
        // copies first (they read the original's fields), then the original to the first match
        for (let k = 1; k < matched.length; k++) {
          const rule = rules[matched[k]];
          rule.routed++;
          ctx.emit(rule.name, ctx.derive(msg, { causationId: msg.causationId }));
        }
        rules[matched[0]].routed++;
        ctx.emit(rules[matched[0]].name, msg);
      },
      view: () => {
        const figures: Record<string, number> = {};
        for (const r of rules) figures[r.name] = r.routed;
        figures.otherwise = otherwise;
        figures['no-route'] = noRoute;
        figures.errors = errors;
        return { figures };
      },
    };
  },
};
