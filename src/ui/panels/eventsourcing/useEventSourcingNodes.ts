/**
 * Hooks shared by the event-sourcing panels: the nodes of a kind in the open topology (so the panels work
 * after a reload, before any run), the run they belong to, and the persistence status of a store.
 */
import { useMemo } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { useFrames } from '../../../state/frameStore';
import { useStudio } from '../../../state/studioStore';
import type { PersistenceStatus } from '../../../worker/frames';

/** A node of the open topology, with its config as written. */
export interface TopologyNodeRef {
  id: string;
  label: string;
  config: Record<string, unknown>;
}

/** Nodes of one kind in the open topology, and the topology's name. */
export function useNodesOfKind(kind: string): { name: string; nodes: TopologyNodeRef[] } {
  const topology = useStudio((s) => s.runTopology ?? s.topology);
  return useMemo(
    () => ({
      name: topology.name,
      nodes: topology.nodes
        .filter((n) => n.kind === kind)
        .map((n) => ({
          id: n.id,
          label: n.label ?? n.id,
          config: (n.config ?? {}) as Record<string, unknown>,
        })),
    }),
    [topology, kind],
  );
}

/** The loaded run: its id, whether it is running, and whether it has the node (null before any run). */
export function useRunOf(
  nodeId: string,
): { runId: number; running: boolean; has: boolean; stamp: number } | null {
  return useFrames(
    useShallow((s) => {
      if (!s.info) return null;
      const frame = s.frame;
      // a stamp that changes with every frame while paused (a step, a replay), not while running
      const stamp = frame && frame.state !== 'running' ? frame.seq : -1;
      return {
        runId: s.info.runId,
        running: frame?.state === 'running',
        has: s.nodeIndex.has(nodeId),
        stamp,
      };
    }),
  ) as { runId: number; running: boolean; has: boolean; stamp: number } | null;
}

/** The persistence status of a store in the latest frame, or null. */
export function usePersistence(nodeId: string): PersistenceStatus | null {
  return useFrames((s) => s.frame?.persistence?.find((p) => p.nodeId === nodeId) ?? null);
}

/** A node's figures in the latest frame. */
export function useFigures(nodeId: string): Record<string, number> | null {
  return useFrames((s) => {
    const i = s.nodeIndex.get(nodeId);
    return i === undefined ? null : (s.frame?.views[i]?.figures ?? null);
  });
}

/** JSON as indented text (payloads render as text, never as markup). */
export function jsonText(v: unknown, indent = 0): string {
  try {
    return JSON.stringify(v, null, indent) ?? 'undefined';
  } catch {
    return String(v);
  }
}

/** Saves text as a file download. */
export function download(name: string, text: string, type: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
