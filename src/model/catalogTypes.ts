/**
 * Types of the catalog (kept apart from `catalog.ts` so that the per-family entry files can import them
 * without a cycle).
 */
import type { z } from 'zod';

/** Families in which the palette groups kinds, in palette order. */
export const FAMILIES = [
  { id: 'endpoints', title: 'Endpoints' },
  { id: 'channels', title: 'Channels' },
  { id: 'message-construction', title: 'Message construction' },
  { id: 'routing', title: 'Routing' },
  { id: 'transformation', title: 'Transformation' },
  { id: 'event-sourcing', title: 'Event sourcing' },
  { id: 'cqrs', title: 'CQRS' },
  { id: 'sagas', title: 'Sagas' },
  { id: 'performance', title: 'Performance' },
  { id: 'reliability', title: 'Reliability' },
  { id: 'security', title: 'Security' },
  { id: 'observability', title: 'Observability' },
] as const;

/** A family id. */
export type Family = (typeof FAMILIES)[number]['id'];

/**
 * A port of a kind. Output ports have a role: a message leaving by a `success` port with nothing
 * connected there has completed its journey; one leaving by a `failure` port with nothing connected is
 * dropped, counted with its reason.
 */
export interface PortSpec {
  /** Port id as written in edges (`sourcePort` / `targetPort`). */
  id: string;
  /** Short label shown on the handle. */
  label: string;
  /** `success` or `failure` for outputs; `input` for inputs. */
  role: 'success' | 'failure' | 'input';
}

/** The default input port id. */
export const DEFAULT_IN = 'in';
/** The default output port id. */
export const DEFAULT_OUT = 'out';

/** Standard ports, shared by many kinds. */
export const PORTS = {
  in: { id: 'in', label: 'in', role: 'input' },
  out: { id: 'out', label: 'out', role: 'success' },
  error: { id: 'error', label: 'error', role: 'failure' },
  deadLetter: { id: 'dead-letter', label: 'dead letter', role: 'failure' },
} as const satisfies Record<string, PortSpec>;

/** One pattern kind in the catalog. */
export interface CatalogEntry {
  /** Kebab-case kind as written in the file format. */
  kind: string;
  family: Family;
  /** Title in the palette and on the node. */
  title: string;
  /** One line for the palette. */
  summary: string;
  /** A short explanation for the inspector: what it does and how it is simulated. */
  description: string;
  /** Input ports (empty for sources). */
  inputs: readonly PortSpec[];
  /** Output ports; may depend on the node's config (a router has one per rule). */
  outputs: (config: Record<string, unknown>) => readonly PortSpec[];
  /** The config schema: a strict zod object whose defaults fill what a file leaves out. */
  config: z.ZodType<Record<string, unknown>, Record<string, unknown>>;
  /** Schema of the `config` of edges leaving this kind (subscriptions), when it has one. */
  edgeConfig?: z.ZodType<Record<string, unknown>, Record<string, unknown>>;
  /** Whether several edges may leave one output port (competing consumers, subscribers). */
  fanOut: 'one' | 'many';
}

/** Helper for entries whose outputs do not depend on config. */
export const fixedPorts =
  (...ports: PortSpec[]) =>
  (): readonly PortSpec[] =>
    ports;

