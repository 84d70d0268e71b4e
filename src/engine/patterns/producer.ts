/**
 * Producer: creates messages from a template at a rate, with Poisson, constant or burst arrivals, and an
 * optional count limit. When its next hop has no room (a full channel that blocks), it holds the message
 * and waits for `onReady`; arrivals resume once it could send.
 */
import type { z } from 'zod';
import type { Message } from '../../model/message';
import type { producerConfig } from '../../model/kinds/endpoints';
import { Deque } from '../Deque';
import type { MessageInit, NodeBehavior, NodeContext, PatternDefinition } from '../pattern';
import { compileTemplate } from '../template';

type Config = z.output<typeof producerConfig>;
const ARRIVAL = 0;

export const producer: PatternDefinition = {
  kind: 'producer',
  create(ctx: NodeContext<Config>): NodeBehavior {
    const c = ctx.config;
    const t = c.message;
    const payload = compileTemplate(t.payload ?? {}, 'message.payload');
    const headers = compileTemplate(t.headers ?? {}, 'message.headers');
    const meanGap = 1000 / c.rate;
    const limit = c.count ?? Infinity;
    const blocked = new Deque<Message>();
    let made = 0;
    let waiting = false; // the arrival clock is stopped while messages are blocked

    const poisson = c.arrival === 'poisson';
    const gap = () => (poisson ? meanGap * ctx.rng.exponential() : meanGap);

    // header values are strings: a header that is exactly a numeric placeholder ("{{seq}}") is made text
    const fillHeaders = (seq: number, now: number): Record<string, string> => {
      const h = headers.fill(ctx.rng, seq, now) as Record<string, unknown>;
      for (const k of Object.keys(h)) if (typeof h[k] !== 'string') h[k] = String(h[k]);
      return h as Record<string, string>;
    };

    // one init object, refilled per message: createMessage copies what it needs and keeps no reference.
    // A template without placeholders is the same value for every message (messages share it, as they
    // share a static payload: patterns replace a payload or headers, they never change one in place)
    const staticHeaders = headers.isStatic ? (headers.fill(ctx.rng, 0, 0) as Record<string, string>) : null;
    const staticPayload = payload.isStatic ? payload.fill(ctx.rng, 0, 0) : null;
    const init: MessageInit = { kind: t.kind, type: t.type, headers: staticHeaders ?? {}, payload: staticPayload, ttl: t.ttl, priority: t.priority };
    const make = (): Message => {
      made++;
      if (staticHeaders === null || staticPayload === null) {
        const now = ctx.now();
        if (staticHeaders === null) init.headers = fillHeaders(made, now);
        if (staticPayload === null) init.payload = payload.fill(ctx.rng, made, now);
      }
      return ctx.createMessage(init, true);
    };

    // edges are fixed for the run: look them up once
    const edges = ctx.outEdges('out');

    const offer = (m: Message) => {
      if (edges.length && !ctx.hasRoom(edges[0])) blocked.push(m);
      else ctx.emit('out', m);
    };

    const scheduleNext = () => {
      if (made >= limit) return;
      if (c.arrival === 'burst') ctx.schedule(c.burst.every, ARRIVAL);
      else ctx.schedule(gap(), ARRIVAL);
    };

    const arrive = () => {
      const n = c.arrival === 'burst' ? Math.min(c.burst.size, limit - made) : 1;
      for (let i = 0; i < n; i++) offer(make());
      if (blocked.length) waiting = true;
      else scheduleNext();
    };

    return {
      start() {
        if (limit <= 0) return;
        const first = c.arrival === 'poisson' ? gap() : 0;
        ctx.schedule(c.startAt + first, ARRIVAL);
      },
      onMessage(msg) {
        // producers have no input port; validation keeps edges away, but never lose a message
        ctx.complete(msg);
      },
      onTimer() {
        arrive();
      },
      onReady() {
        while (blocked.length && (!edges.length || ctx.hasRoom(edges[0]))) ctx.emit('out', blocked.shift()!);
        if (waiting && !blocked.length) {
          waiting = false;
          scheduleNext();
        }
      },
      wantsReady: () => blocked.length > 0,
      held: () => blocked.length,
      view: () => ({ figures: { made, blocked: blocked.length } }),
    };
  },
};
