/**
 * Query options for reads from the simulation worker: a message's envelope (trace panel) and a
 * dead-letter channel's page (dead-letter panel). Keys carry the run id, so a new run never shows the
 * previous run's answers.
 */
import { queryOptions } from '@tanstack/react-query';
import { runClient } from '../state/run/runClient';
import type { DeadLetterPage, MessageDetail } from '../worker/frames';

async function api() {
  const c = runClient.current();
  if (!c) throw new Error('no run');
  return (await c).api;
}

/** A message by sequence number, while the worker's trace still holds it (null when it does not). */
export const workerMessageOptions = (runId: number, seq: number) =>
  queryOptions<MessageDetail | null>({
    queryKey: ['worker', 'message', runId, seq],
    queryFn: async () => (await api()).findMessage(seq),
    staleTime: Infinity,
  });

/** A page of a dead-letter channel (newest first), refreshed while the run is running. */
export const workerDeadLettersOptions = (runId: number, nodeId: string, running: boolean, limit = 200) =>
  queryOptions<DeadLetterPage>({
    queryKey: ['worker', 'dead-letters', runId, nodeId, limit],
    queryFn: async () => (await api()).deadLetters(nodeId, 0, limit),
    refetchInterval: running ? 1000 : false,
    staleTime: running ? 500 : Infinity,
  });
