/**
 * Connection pool: each message is a call to a remote resource that needs a connection for `useTime`.
 *
 * Acquire: the most recently used idle connection is taken (LIFO, so the rest can age out); with none idle
 * and fewer than `size` open, a new one is opened (`setupTime`) and the message waits for the first free
 * connection; otherwise it waits in a FIFO queue (at most `maxWaiting`, beyond that it is dead-lettered as
 * `overflow`). A message that waits longer than `acquireTimeout` is dead-lettered as `timeout`.
 *
 * Broken connections: after a successful call the connection breaks silently with probability
 * `brokenRate` (the server or a firewall dropped it). It is found broken by a check on borrow
 * (`testOnBorrow`, `checkTime` ms; the message then acquires again), by the keep-alive health check that
 * pings idle connections every `keepAlive` ms, or by the next call on it, which fails after `checkTime` and
 * is retried on another connection up to `maxAttempts` (then dead-lettered as `error`). Broken connections
 * are closed.
 *
 * Idle connections are evicted after `idleTimeout` ms, keeping at least `minIdle` open (opened at the start
 * and refilled). Figures: active, idle, connecting, waiting, timeouts, created, evicted, broken, failed.
 */
import type { z } from 'zod';
import type { Message } from '../../model/message';
import type { connectionPoolConfig } from '../../model/kinds/performance';
import { Deque } from '../Deque';
import { compileDistribution } from '../distributions';
import type { NodeBehavior, NodeContext, PatternDefinition } from '../pattern';

type Config = z.output<typeof connectionPoolConfig>;

const SETUP = 0;
const USE = 1;
const CHECK = 2;
const TIMEOUT = 3;
const EVICT = 4;
const KEEPALIVE = 5;

const IDLE = 0;
const BUSY = 1;
const CONNECTING = 2;
const CLOSED = 3;

interface Conn {
  id: number;
  state: number;
  broken: boolean;
  idleSince: number;
}

interface Waiter {
  m: Message;
  done: boolean;
}

export const connectionPool: PatternDefinition = {
  kind: 'connection-pool',
  create(ctx: NodeContext<Config>): NodeBehavior {
    const c = ctx.config;
    const setupTime = compileDistribution(c.setupTime);
    const useTime = compileDistribution(c.useTime);
    const idle: Conn[] = [];
    const waiters = new Deque<Waiter>();
    let open = 0; // connections open or connecting
    let connecting = 0;
    let active = 0; // connections held by a message (in a call or a borrow check)
    let waiting = 0;
    let nextId = 1;
    const n = { created: 0, evicted: 0, broken: 0, timeouts: 0, failed: 0, overflow: 0, calls: 0 };
    ctx.setCapacity(c.size);

    const gauges = () => {
      ctx.setBusy(active);
      ctx.setQueueDepth(waiting);
    };

    const openConnection = () => {
      const conn: Conn = { id: nextId++, state: CONNECTING, broken: false, idleSince: 0 };
      open++;
      connecting++;
      n.created++;
      ctx.schedule(setupTime(ctx.rng), SETUP, null, conn);
    };

    const close = (conn: Conn) => {
      conn.state = CLOSED;
      open--;
    };

    const ensureMinIdle = () => {
      while (open < Math.min(c.minIdle, c.size)) openConnection();
    };

    /** Starts a borrow of `conn` by `m`: a check first, or the call. */
    const borrow = (m: Message, conn: Conn) => {
      conn.state = BUSY;
      active++;
      if (c.testOnBorrow) ctx.schedule(c.checkTime, CHECK, m, conn);
      else startCall(m, conn);
    };

    const startCall = (m: Message, conn: Conn) => {
      m.attempt++;
      n.calls++;
      // a call on a broken connection fails fast (a reset on the first write)
      ctx.schedule(conn.broken ? c.checkTime : useTime(ctx.rng), USE, m, conn);
    };

    const nextWaiter = (): Waiter | undefined => {
      while (waiters.length) {
        const w = waiters.shift()!;
        if (!w.done) return w;
      }
      return undefined;
    };

    /** A connection is free: hand it to the first waiter, or park it idle. */
    const release = (conn: Conn) => {
      const w = nextWaiter();
      if (w) {
        w.done = true;
        waiting--;
        borrow(w.m, conn);
        return;
      }
      conn.state = IDLE;
      conn.idleSince = ctx.now();
      idle.push(conn);
      if (c.idleTimeout > 0) ctx.schedule(c.idleTimeout, EVICT, null, conn);
    };

    const wait = (m: Message, front: boolean) => {
      if (c.maxWaiting !== undefined && waiting >= c.maxWaiting) {
        n.overflow++;
        ctx.deadLetter(m, 'overflow', `${waiting} calls already wait for a connection`);
        return;
      }
      const w: Waiter = { m, done: false };
      if (front) waiters.unshift(w);
      else waiters.push(w);
      waiting++;
      if (c.acquireTimeout > 0) ctx.schedule(c.acquireTimeout, TIMEOUT, null, w);
    };

    const acquire = (m: Message, front = false) => {
      const conn = idle.pop();
      if (conn) borrow(m, conn);
      else {
        if (open < c.size) openConnection();
        wait(m, front);
      }
      gauges();
    };

    const removeIdle = (conn: Conn) => {
      const i = idle.indexOf(conn);
      if (i >= 0) idle.splice(i, 1);
    };

    const afterChange = () => {
      ensureMinIdle();
      gauges();
      ctx.notifyReady();
    };

    return {
      start() {
        ensureMinIdle();
        if (c.keepAlive > 0) ctx.schedule(c.keepAlive, KEEPALIVE);
      },
      onMessage(m) {
        acquire(m);
      },
      onTimer(tag, msg, data) {
        switch (tag) {
          case SETUP: {
            const conn = data as Conn;
            connecting--;
            release(conn);
            break;
          }
          case CHECK: {
            const conn = data as Conn;
            const m = msg!;
            if (!conn.broken) {
              startCall(m, conn);
              return;
            }
            // found broken on borrow: close it and try again, ahead of later arrivals
            active--;
            n.broken++;
            close(conn);
            acquire(m, true);
            break;
          }
          case USE: {
            const conn = data as Conn;
            const m = msg!;
            active--;
            if (conn.broken) {
              n.broken++;
              n.failed++;
              ctx.countFailed();
              close(conn);
              if (m.attempt < c.maxAttempts) {
                ctx.countRetried();
                acquire(m, true);
              } else ctx.deadLetter(m, 'error', `call failed on a broken connection (${m.attempt} attempts)`);
            } else {
              if (ctx.rng.chance(c.brokenRate)) conn.broken = true;
              release(conn);
              ctx.emit('out', m);
            }
            break;
          }
          case TIMEOUT: {
            const w = data as Waiter;
            if (w.done) return;
            w.done = true;
            waiting--;
            n.timeouts++;
            ctx.deadLetter(w.m, 'timeout', `no connection within ${c.acquireTimeout} ms`);
            break;
          }
          case EVICT: {
            const conn = data as Conn;
            // (same sum as the timer's own time, so an untouched idle period compares equal)
            if (conn.state !== IDLE || ctx.now() < conn.idleSince + c.idleTimeout || open <= c.minIdle) return;
            removeIdle(conn);
            close(conn);
            n.evicted++;
            break;
          }
          case KEEPALIVE: {
            for (const conn of [...idle]) {
              if (!conn.broken) continue;
              removeIdle(conn);
              close(conn);
              n.broken++;
            }
            ctx.schedule(c.keepAlive, KEEPALIVE);
            break;
          }
        }
        afterChange();
      },
      isIdle: (pending) => idle.length - pending > 0 || open + pending < c.size,
      held: () => waiting + active,
      view: () => ({
        state: waiting > 0 && open >= c.size ? 'exhausted' : 'ok',
        figures: {
          active,
          idle: idle.length,
          connecting,
          waiting,
          timeouts: n.timeouts,
          created: n.created,
          evicted: n.evicted,
          broken: n.broken,
          failed: n.failed,
          overflow: n.overflow,
        },
      }),
    };
  },
};
