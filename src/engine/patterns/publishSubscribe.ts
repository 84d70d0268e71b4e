/**
 * Publish-subscribe channel: each outgoing edge is a subscription with a topic pattern. A message goes to
 * every matching subscription as its own copy (the first match gets the original instance, the others
 * derived copies with the same correlation id). A durable subscription queues its copies while its
 * subscriber is busy; a non-durable one drops a copy its subscriber cannot take now (as `overflow`), as a
 * subscriber that is not listening misses a broadcast. A message that no subscription matches is dropped
 * as `no-subscribers`.
 */
import type { z } from 'zod';
import type { Message } from '../../model/message';
import type { publishSubscribeConfig, subscriptionConfig } from '../../model/kinds/channels';
import { Deque } from '../Deque';
import type { EdgeHandle, NodeBehavior, NodeContext, PatternDefinition } from '../pattern';
import { compileTopicPattern } from '../topic';

type Config = z.output<typeof publishSubscribeConfig>;
type Subscription = z.output<typeof subscriptionConfig>;

interface Sub {
  edge: EdgeHandle;
  durable: boolean;
  matches: (topic: string) => boolean;
  queue: Deque<Message>;
}

export const publishSubscribe: PatternDefinition = {
  kind: 'publish-subscribe',
  create(ctx: NodeContext<Config>): NodeBehavior {
    const c = ctx.config;
    const subs: Sub[] = ctx.outEdges('out').map((edge) => {
      const s = edge.config as Subscription;
      return { edge, durable: s.durable, matches: compileTopicPattern(s.topic), queue: new Deque<Message>() };
    });
    // topics repeat: cache which subscriptions match each one (bounded, cleared when it grows too large)
    const cache = new Map<string, Sub[]>();
    let depth = 0;

    const matching = (topic: string) => {
      let list = cache.get(topic);
      if (!list) {
        if (cache.size > 10_000) cache.clear();
        list = subs.filter((s) => s.matches(topic));
        cache.set(topic, list);
      }
      return list;
    };

    const drain = (s: Sub) => {
      while (s.queue.length && ctx.isIdle(s.edge)) {
        depth--;
        ctx.send(s.edge, s.queue.shift()!);
      }
    };

    const deliver = (s: Sub, m: Message) => {
      if (!s.queue.length && ctx.isIdle(s.edge)) ctx.send(s.edge, m);
      else if (s.durable) {
        s.queue.push(m);
        depth++;
      } else ctx.drop(m, 'overflow');
    };

    return {
      onMessage(msg) {
        const topic = c.topicFrom === 'header' ? (msg.headers[c.topicHeader] ?? '') : msg.type;
        const list = matching(topic);
        if (list.length === 0) {
          ctx.drop(msg, 'no-subscribers');
          return;
        }
        for (let i = 1; i < list.length; i++) deliver(list[i], ctx.derive(msg, { causationId: msg.causationId }));
        deliver(list[0], msg);
        ctx.setQueueDepth(depth);
      },
      onReady() {
        for (const s of subs) drain(s);
        ctx.setQueueDepth(depth);
      },
      wantsReady: () => depth > 0,
      held: () => depth,
      view: () => ({ figures: { depth, subscriptions: subs.length } }),
    };
  },
};
