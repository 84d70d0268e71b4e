/**
 * Query options for the worker's resilience, security and tracing reads: invariant results with their
 * first offending messages, an access-control node's audit page, and a conversation's sequence diagram.
 * Keys carry the run id, so a new run never shows the previous run's answers.
 */
import { queryOptions } from '@tanstack/react-query';
import { runClient } from '../state/run/runClient';
import type { AuditPage, AuditQuery, Conversation, InvariantResult } from '../worker/frames';

/** The worker's API, once a run has connected it. */
export async function workerApi() {
  const c = runClient.current();
  if (!c) throw new Error('no run');
  return (await c).api;
}

/**
 * Invariant results with their first offending messages. `version` (the violation counts the latest frame
 * shows) is part of the key: the first offenders change only when a count changes.
 */
export const invariantResultsOptions = (runId: number, version: string) =>
  queryOptions<InvariantResult[] | null>({
    queryKey: ['worker', 'invariants', runId, version],
    queryFn: async () => (await workerApi()).invariantResults(),
    staleTime: Infinity,
    placeholderData: (prev) => prev,
  });

/** A page of an access-control node's audit log, refreshed while the run is running. */
export const auditPageOptions = (runId: number, nodeId: string, query: Required<AuditQuery>, running: boolean, logged: number) =>
  queryOptions<AuditPage>({
    queryKey: ['worker', 'audit', runId, nodeId, query.offset, query.limit, query.decision, running ? 'live' : logged],
    queryFn: async () => (await workerApi()).auditLog(nodeId, query),
    refetchInterval: running ? 1000 : false,
    staleTime: running ? 500 : Infinity,
    placeholderData: (prev) => prev,
  });

/** One conversation (all kept spans of a correlation id) as a sequence diagram. */
export const conversationOptions = (runId: number, correlationId: string, version: number) =>
  queryOptions<Conversation>({
    queryKey: ['worker', 'conversation', runId, correlationId, version],
    queryFn: async () => (await workerApi()).conversation(correlationId),
    staleTime: Infinity,
    placeholderData: (prev) => (prev?.correlationId === correlationId ? prev : undefined),
  });
