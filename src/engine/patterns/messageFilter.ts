/**
 * Message filter: evaluates one expression per message. With `action: 'keep'` a message for which it is
 * true passes on `out` and any other is dropped as `filtered`; with `action: 'discard'` the reverse. A
 * dropped message keeps the rule that dropped it as its dead-letter detail, which the trace shows with the
 * message (`trace.findMessage(seq).deadLetterDetail`). An expression that fails while evaluating
 * dead-letters the message as `error` with the error text: nothing is dropped silently.
 */
import type { z } from 'zod';
import type { messageFilterConfig } from '../../model/kinds/routing';
import { ExpressionError } from '../expressions';
import type { NodeBehavior, NodeContext, PatternDefinition } from '../pattern';
import { compileConfigExpression } from './contentBasedRouter';

type Config = z.output<typeof messageFilterConfig>;

/** The message filter (see the file comment). */
export const messageFilter: PatternDefinition = {
  kind: 'message-filter',
  create(ctx: NodeContext<Config>): NodeBehavior {
    const c = ctx.config;
    const expr = compileConfigExpression(ctx.id, 'config.when', c.when);
    const keep = c.action === 'keep';
    const rule = `${c.name ? `rule "${c.name}": ` : ''}${c.action} when ${c.when}`;
    const evalCtx = { now: 0 };
    let passed = 0;
    let filtered = 0;
    let errors = 0;
    return {
      onMessage(msg) {
        evalCtx.now = ctx.now();
        let match: boolean;
        try {
          match = expr.test(msg, evalCtx);
        } catch (e) {
          if (!(e instanceof ExpressionError)) throw e;
          errors++;
          ctx.deadLetter(msg, 'error', `filter ${rule}: ${e.message}`);
          return;
        }
        if (match === keep) {
          passed++;
          ctx.emit('out', msg);
          return;
        }
        filtered++;
        msg.failedAt = ctx.index;
        msg.deadLetterReason = 'filtered';
        msg.deadLetterDetail = `${rule} (${match ? 'true' : 'false'})`;
        ctx.drop(msg, 'filtered');
      },
      view: () => ({ figures: { passed, filtered, errors } }),
    };
  },
};
