/**
 * A CPU-bound stage shared by the compressor, decompressor, encryptor and decryptor: `concurrency` workers
 * take messages from a FIFO queue; a worker does the real work on the message when it starts (compress,
 * encrypt, …), which also says how much simulated CPU time it costs, and the stage finishes the message when
 * that time has passed. Work results are plain records, not closures.
 *
 * @example
 * const stage = cpuStage(ctx, c.concurrency, { work: (m) => ({ cpuMs: 1, out: null }), finish: (m, w) => ctx.emit('out', m) });
 * return { ...stage, view: () => ({ figures: { busy: stage.busy() } }) };
 */
import type { Message } from '../../model/message';
import { Deque } from '../Deque';
import type { NodeContext } from '../pattern';

/** What the work on one message gave: its CPU cost, and whatever `finish` needs. */
export interface CpuWork {
  /** Simulated CPU time (virtual ms). */
  cpuMs: number;
}

/** The two halves of a stage's work. */
export interface CpuStageSpec<W extends CpuWork> {
  /** Does the work on a message as a worker starts it. */
  work(msg: Message): W;
  /** Finishes a message once its CPU time has passed (emit, dead-letter, …). */
  finish(msg: Message, work: W): void;
}

/** The behaviour parts a stage provides. */
export interface CpuStage {
  onMessage(msg: Message): void;
  onTimer(tag: number, msg: Message | null, data: unknown): void;
  isIdle(pending: number): boolean;
  held(): number;
  /** Workers busy now. */
  busy(): number;
  /** Messages waiting for a worker. */
  queued(): number;
  /** Total CPU time charged so far (ms). */
  cpuMs(): number;
}

const DONE = 0;

/** Makes a CPU stage for a node. */
export function cpuStage<W extends CpuWork>(ctx: NodeContext<unknown>, concurrency: number, spec: CpuStageSpec<W>): CpuStage {
  const queue = new Deque<Message>();
  let busy = 0;
  let cpu = 0;
  ctx.setCapacity(concurrency);

  const startNext = () => {
    while (busy < concurrency && queue.length) {
      const m = queue.shift()!;
      busy++;
      const w = spec.work(m);
      cpu += w.cpuMs;
      ctx.schedule(w.cpuMs, DONE, m, w);
    }
    ctx.setQueueDepth(queue.length);
    ctx.setBusy(busy);
  };

  return {
    onMessage(msg) {
      queue.push(msg);
      startNext();
    },
    onTimer(tag, msg, data) {
      if (tag !== DONE || !msg) return;
      busy--;
      spec.finish(msg, data as W);
      startNext();
      ctx.notifyReady();
    },
    isIdle: (pending) => busy + queue.length + pending < concurrency,
    held: () => busy + queue.length,
    busy: () => busy,
    queued: () => queue.length,
    cpuMs: () => cpu,
  };
}
