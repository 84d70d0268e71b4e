/**
 * Envelope wrapper: wraps each message in an envelope message whose payload is `{ envelope, body }`. The
 * envelope records the message id, correlation and causation ids, the routing slip, QoS (priority, TTL and
 * expiry, delivery mode), processing instructions and the original's envelope fields, so that an envelope
 * unwrapper can restore it. The envelope message is derived from the original (causation = original id)
 * and gets the configured priority and TTL as its real transport fields; the original ends here, merged
 * into its envelope, so the trace shows the message before and after wrapping.
 */
import type { z } from 'zod';
import type { JsonValue } from '../../model/message';
import type { envelopeWrapperConfig } from '../../model/kinds/construction';
import type { NodeBehavior, NodeContext, PatternDefinition } from '../pattern';

type Config = z.output<typeof envelopeWrapperConfig>;

/** The header that marks an envelope and names its format version. */
export const ENVELOPE_HEADER = 'envelope';

/** The envelope wrapper (see the file comment). */
export const envelopeWrapper: PatternDefinition = {
  kind: 'envelope-wrapper',
  create(ctx: NodeContext<Config>): NodeBehavior {
    const c = ctx.config;
    const slip: JsonValue = [...c.routingSlip];
    const instructions: JsonValue = { ...c.instructions };
    let wrapped = 0;
    return {
      onMessage(msg) {
        const env = ctx.derive(msg, {
          type: c.type ?? msg.type,
          headers: { ...msg.headers, [ENVELOPE_HEADER]: '1', 'delivery-mode': c.qos.deliveryMode },
          priority: c.qos.priority,
          ttl: c.qos.ttl,
        });
        if (c.correlation === 'new') env.correlationId = env.id;
        env.payload = {
          envelope: {
            messageId: env.id,
            correlationId: env.correlationId,
            causationId: msg.id,
            createdAt: ctx.now(),
            routingSlip: slip,
            qos: {
              priority: env.priority,
              ttl: c.qos.ttl ?? null,
              expiresAt: env.expiresAt,
              deliveryMode: c.qos.deliveryMode,
            },
            instructions,
            original: {
              id: msg.id,
              correlationId: msg.correlationId,
              causationId: msg.causationId,
              kind: msg.kind,
              type: msg.type,
              headers: msg.headers,
              priority: msg.priority,
              expiresAt: msg.expiresAt,
            },
          },
          body: msg.payload,
        };
        wrapped++;
        ctx.merge(msg);
        ctx.emit('out', env);
      },
      view: () => ({ figures: { wrapped } }),
    };
  },
};
