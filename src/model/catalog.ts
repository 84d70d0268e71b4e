/**
 * The catalog of pattern kinds: what the UI needs to list, draw and edit a node without loading the engine.
 * Behaviour lives in `src/engine/patterns/<kind>.ts`; one entry here pairs with one file there.
 *
 * @example
 * const entry = getCatalogEntry('point-to-point');
 * entry?.outputs({}) // [{ id: 'out', … }, { id: 'dead-letter', … }]
 */
import { CHANNEL_ENTRIES } from './kinds/channels';
import { ENDPOINT_ENTRIES } from './kinds/endpoints';
import { RELIABILITY_ENTRIES } from './kinds/reliability';
import { CONSTRUCTION_ENTRIES } from './kinds/construction';
import { GATEWAY_ENTRIES } from './kinds/gateway';
import { ROUTING_ENTRIES } from './kinds/routing';
import { TRANSFORMATION_ENTRIES } from './kinds/transformation';
import { PERFORMANCE_ENTRIES } from './kinds/performance';
import { SECURITY_ENTRIES } from './kinds/security';
import { EVENT_SOURCING_ENTRIES } from './kinds/eventSourcing';
import { CQRS_ENTRIES } from './kinds/cqrs';
import { SAGA_ENTRIES } from './kinds/sagas';

export * from './catalogTypes';
import type { CatalogEntry, PortSpec } from './catalogTypes';

const ALL: readonly CatalogEntry[] = [...ENDPOINT_ENTRIES, ...GATEWAY_ENTRIES, ...CHANNEL_ENTRIES, ...CONSTRUCTION_ENTRIES, ...ROUTING_ENTRIES, ...TRANSFORMATION_ENTRIES, ...RELIABILITY_ENTRIES, ...EVENT_SOURCING_ENTRIES, ...CQRS_ENTRIES, ...SAGA_ENTRIES, ...PERFORMANCE_ENTRIES, ...SECURITY_ENTRIES];

const BY_KIND = new Map<string, CatalogEntry>(ALL.map((e) => [e.kind, e]));

/** Every kind in the catalog, in palette order within each family. */
export function catalogEntries(): readonly CatalogEntry[] {
  return ALL;
}

/** The catalog entry of a kind, or undefined when the kind is unknown. */
export function getCatalogEntry(kind: string): CatalogEntry | undefined {
  return BY_KIND.get(kind);
}

/**
 * The output ports of a node, given its (possibly partial) config. On a bad config, the defaults overlaid
 * with the config as written, so that a router rule whose expression is being typed keeps its port (and
 * its edge stays valid); `outputs` functions that read config must therefore accept unvalidated values.
 */
export function outputPortsOf(entry: CatalogEntry, config: Record<string, unknown> | undefined): readonly PortSpec[] {
  const parsed = entry.config.safeParse(config ?? {});
  return entry.outputs(parsed.success ? parsed.data : { ...(entry.config.parse({}) as Record<string, unknown>), ...config });
}

/** The config with defaults applied; throws a ZodError when invalid (validate first). */
export function configWithDefaults(entry: CatalogEntry, config: Record<string, unknown> | undefined) {
  return entry.config.parse(config ?? {});
}
