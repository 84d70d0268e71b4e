/**
 * Messaging gateway: request/reply over channels. A caller's message on `in` becomes a request, sent on
 * `request` and derived from the call, whose correlation id is the request's own id (the key of the call);
 * the gateway waits for a message with that correlation id on `reply`. The first reply to arrive answers
 * the call: it leaves on `out` with the caller's correlation id restored, and the caller's message ends
 * here (merged into its reply). Without a reply within `timeout` the gateway retries (a new request with
 * the same key) after an exponential backoff with jitter; when attempts run out, the caller's message goes
 * to `error` as `timeout`. A reply whose call is no longer waiting — it timed out, or another reply
 * answered it — is dropped as `timeout` and counted as late.
 *
 * Its connections are simulated: at most `maxInFlight` calls wait for replies at once (shown as busy
 * workers, so utilization is the connection pool's); other callers queue in order.
 */
import type { z } from 'zod';
import type { Message } from '../../model/message';
import type { messageGatewayConfig } from '../../model/kinds/gateway';
import { Deque } from '../Deque';
import type { NodeBehavior, NodeContext, PatternDefinition } from '../pattern';
import { backoffDelay } from './serviceActivator';

type Config = z.output<typeof messageGatewayConfig>;

const TIMEOUT = 0;
const RETRY = 1;

/** A call waiting for its reply. */
interface Call {
  caller: Message;
  /** Correlation id of its requests (the id of the first). */
  key: string;
  attempt: number;
  done: boolean;
}

/** The messaging gateway (see the file comment). */
export const messageGateway: PatternDefinition = {
  kind: 'message-gateway',
  create(ctx: NodeContext<Config>): NodeBehavior {
    const c = ctx.config;
    const calls = new Map<string, Call>();
    const waiting = new Deque<Message>();
    let inFlight = 0;
    let timeouts = 0;
    let retries = 0;
    let late = 0;
    let replied = 0;
    let failed = 0;
    ctx.setCapacity(c.maxInFlight);

    const gauges = () => {
      ctx.setBusy(inFlight);
      ctx.setQueueDepth(waiting.length);
    };

    const sendRequest = (call: Call) => {
      call.attempt++;
      const req = ctx.derive(call.caller);
      if (call.key === '') {
        call.key = req.id;
        calls.set(call.key, call);
      }
      req.correlationId = call.key;
      ctx.emit('request', req);
      ctx.schedule(c.timeout, TIMEOUT, null, call);
    };

    const end = (call: Call) => {
      call.done = true;
      calls.delete(call.key);
      inFlight--;
    };

    const startWaiting = () => {
      while (inFlight < c.maxInFlight && waiting.length) begin(waiting.shift()!);
      gauges();
    };

    const begin = (caller: Message) => {
      if (ctx.outEdges('request').length === 0) {
        failed++;
        caller.deadLetterDetail = 'no service is connected to the request port';
        ctx.emit('error', caller, 'error');
        return;
      }
      inFlight++;
      sendRequest({ caller, key: '', attempt: 0, done: false });
    };

    return {
      onMessage(msg, port) {
        if (port === 'reply') {
          const call = calls.get(msg.correlationId);
          if (!call) {
            late++;
            msg.deadLetterReason = 'timeout';
            msg.deadLetterDetail = 'a reply whose call had timed out or was already answered';
            ctx.drop(msg, 'timeout');
            return;
          }
          end(call);
          replied++;
          msg.correlationId = call.caller.correlationId;
          ctx.merge(call.caller);
          ctx.emit('out', msg);
          startWaiting();
          return;
        }
        if (inFlight < c.maxInFlight) begin(msg);
        else waiting.push(msg);
        gauges();
      },
      onTimer(tag, _msg, data) {
        const call = data as Call;
        if (call.done) return;
        if (tag === RETRY) {
          sendRequest(call);
          return;
        }
        timeouts++;
        ctx.countFailed();
        if (call.attempt < c.retry.maxAttempts) {
          retries++;
          ctx.countRetried();
          ctx.schedule(backoffDelay(c.retry, call.attempt, ctx.rng.next()), RETRY, null, call);
          return;
        }
        end(call);
        failed++;
        call.caller.deadLetterDetail = `no reply after ${call.attempt} attempt${call.attempt === 1 ? '' : 's'} (timeout ${c.timeout} ms)`;
        ctx.emit('error', call.caller, 'timeout');
        startWaiting();
      },
      held: () => inFlight + waiting.length,
      view: () => ({
        figures: { inFlight, queued: waiting.length, replied, timeouts, retries, late, failed },
      }),
    };
  },
};
