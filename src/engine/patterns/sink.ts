/** Sink: a terminal consumer; every message that reaches it is complete. */
import type { PatternDefinition } from '../pattern';

export const sink: PatternDefinition = {
  kind: 'sink',
  create: (ctx) => ({ onMessage: (msg) => ctx.complete(msg) }),
};
