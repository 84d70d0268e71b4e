/**
 * Transactional outbox: a service that, for each command, commits its state change and an outbox record in
 * one simulated transaction (`concurrency` workers, a drawn transaction time; a rollback — `failureRate` —
 * writes nothing and nacks or dead-letters the command). A relay polls the outbox every `pollInterval` ms
 * and publishes up to `batchSize` pending records, oldest first (so per aggregate, in commit order); it
 * marks them sent when the broker acknowledges the batch, `publishLatency` later.
 *
 * Each publication is an event derived from the command (kind `event`, type `eventType`, headers
 * `outbox-id`, `aggregate`, `aggregate-version`); the record keeps the command until the broker
 * acknowledges it, then the command is merged into its event (so the conversation stays alive while its
 * record is pending). A record is published again when:
 * - the service crashed after the relay published a batch and before the acknowledgement: the outbox table
 *   is durable, so at restart the unacknowledged records are still pending and the relay publishes them
 *   again (at-least-once; a downstream idempotent consumer keyed on `headers["outbox-id"]` drops them);
 * - a fault lost a published message on the relay's edge: the relay hears of it before the acknowledgement
 *   (publisher confirms) and keeps the record pending. A message lost that way on an edge with a link
 *   latency longer than `publishLatency` is not noticed.
 * A crash loses the commands queued or in a transaction (the engine returns them to their channel); the
 * committed records stay.
 */
import type { z } from 'zod';
import type { transactionalOutboxConfig } from '../../model/kinds/reliability';
import type { Message } from '../../model/message';
import { Deque } from '../Deque';
import { compileDistribution } from '../distributions';
import { NO_NODE_FAULTS, type FaultAwareBehavior, type NodeFaultState } from '../faults';
import { compileKey, type MessageKey } from '../messageKey';
import type { NodeContext, PatternDefinition } from '../pattern';

type Config = z.output<typeof transactionalOutboxConfig>;

const COMMIT = 0;
const ROLLBACK = 1;
const POLL = 2;
const ACK = 3;

/** The header that carries a record's outbox id. */
export const OUTBOX_ID_HEADER = 'outbox-id';

interface OutboxRecord {
  id: string;
  aggregate: MessageKey;
  version: number;
  /** The command, kept until the record is acknowledged. */
  command: Message;
  type: string;
  headers: Record<string, string>;
  inFlight: boolean;
  undelivered: boolean;
  publishes: number;
}

export const transactionalOutbox: PatternDefinition = {
  kind: 'transactional-outbox',
  create(ctx: NodeContext<Config>): FaultAwareBehavior {
    const c = ctx.config;
    const aggregateOf = compileKey(c.aggregate, `transactional outbox "${ctx.id}"`);
    const serviceTime = compileDistribution(c.serviceTime);
    const publishLatency = compileDistribution(c.relay.publishLatency);
    const queue = new Deque<Message>();
    const inService = new Set<Message>();
    /** The outbox table, in commit order (durable). */
    const table = new Deque<OutboxRecord>();
    const versions = new Map<MessageKey, number>();
    const inFlight = new Map<string, OutboxRecord>();
    let injected: NodeFaultState = NO_NODE_FAULTS;
    let busy = 0;
    let batch = 0; // records in the batch awaiting acknowledgement (the head of the table)
    let batchEpoch = 0;
    let committed = 0;
    let rolledBack = 0;
    let published = 0;
    let republished = 0;
    let nextId = 1;
    ctx.setCapacity(c.concurrency);

    const startNext = () => {
      while (busy < c.concurrency && queue.length) {
        const m = queue.shift()!;
        busy++;
        inService.add(m);
        const failed = ctx.rng.chance(c.failureRate);
        ctx.schedule(serviceTime(ctx.rng) * injected.slowdown, injected.fail() || failed ? ROLLBACK : COMMIT, m);
      }
      ctx.setQueueDepth(queue.length);
      ctx.setBusy(busy);
    };

    const commit = (m: Message) => {
      const aggregate = aggregateOf(m) ?? m.correlationId;
      const version = (versions.get(aggregate) ?? 0) + 1;
      versions.set(aggregate, version);
      const id = `${ctx.id}:${nextId++}`;
      committed++;
      table.push({
        id,
        aggregate,
        version,
        command: m,
        type: c.eventType ?? m.type,
        headers: { ...m.headers, [OUTBOX_ID_HEADER]: id, aggregate: String(aggregate), 'aggregate-version': String(version) },
        inFlight: false,
        undelivered: false,
        publishes: 0,
      });
    };

    const publish = (r: OutboxRecord) => {
      const m = ctx.derive(r.command, { kind: 'event', type: r.type, headers: r.headers, causationId: r.command.id });
      if (r.publishes === 0) published++;
      else republished++;
      r.publishes++;
      r.inFlight = true;
      r.undelivered = false;
      inFlight.set(r.id, r);
      ctx.emit('out', m);
    };

    const poll = () => {
      ctx.schedule(c.relay.pollInterval, POLL);
      if (batch > 0 || table.length === 0) return;
      batch = Math.min(c.relay.batchSize, table.length);
      for (let i = 0; i < batch; i++) publish(table.at(i)!);
      ctx.schedule(publishLatency(ctx.rng) * injected.slowdown, ACK, null, ++batchEpoch);
    };

    /** The broker acknowledged the batch: its records are sent, except those a fault lost on the way. */
    const acknowledged = () => {
      const keep: OutboxRecord[] = [];
      for (let i = 0; i < batch; i++) {
        const r = table.shift()!;
        r.inFlight = false;
        inFlight.delete(r.id);
        if (r.undelivered) keep.push(r);
        else ctx.merge(r.command); // sent: the command lives on as its event
      }
      for (let i = keep.length - 1; i >= 0; i--) table.unshift(keep[i]);
      batch = 0;
    };

    return {
      start() {
        ctx.schedule(c.relay.pollInterval, POLL);
      },
      onMessage(msg) {
        queue.push(msg);
        startNext();
      },
      onTimer(tag, msg, data) {
        switch (tag) {
          case POLL:
            poll();
            return;
          case ACK:
            if (data === batchEpoch && batch > 0) acknowledged();
            return;
          case COMMIT:
          case ROLLBACK: {
            const m = msg!;
            busy--;
            inService.delete(m);
            if (tag === COMMIT) commit(m);
            else {
              rolledBack++;
              ctx.countFailed();
              if (c.onFailure !== 'nack' || !ctx.nack(m)) ctx.deadLetter(m, 'error', 'transaction rolled back');
            }
            startNext();
            ctx.notifyReady();
            return;
          }
          default:
            return;
        }
      },
      isIdle: (pending) => busy + queue.length + pending < c.concurrency,
      held: () => busy + queue.length + table.length,
      view: () => ({ figures: { pending: table.length, committed, published, republished, busy, queued: queue.length } }),
      action(name, args) {
        switch (name) {
          case 'stats':
            return { pending: table.length, committed, rolledBack, published, republished, inFlight: inFlight.size };
          case 'outbox': {
            const limit = Math.min(1000, Math.max(1, Number(args.limit ?? 100) | 0));
            const items = [];
            for (let i = 0; i < table.length && items.length < limit; i++) {
              const r = table.at(i)!;
              items.push({ id: r.id, aggregate: r.aggregate, version: r.version, inFlight: r.inFlight, publishes: r.publishes });
            }
            return { total: table.length, items };
          }
          default:
            throw new Error(`transactional outbox: unknown action "${name}"`);
        }
      },
      crash() {
        const lost: Message[] = [...inService];
        for (let m = queue.shift(); m !== undefined; m = queue.shift()) lost.push(m);
        inService.clear();
        busy = 0;
        // the relay dies with the process: the batch was never acknowledged, so its records stay pending
        for (const r of inFlight.values()) r.inFlight = false;
        inFlight.clear();
        batch = 0;
        batchEpoch++;
        return lost;
      },
      restart() {
        ctx.schedule(0, POLL);
      },
      undelivered(msg) {
        const r = inFlight.get(msg.headers[OUTBOX_ID_HEADER] ?? '');
        if (r !== undefined) r.undelivered = true;
      },
      faultsChanged(s) {
        injected = s;
      },
    };
  },
};
