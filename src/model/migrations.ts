/**
 * Migrations of the topology format. A file of an older version is migrated one version at a time up to
 * {@link CURRENT_VERSION} before it is validated; a file of a newer version is refused with E105. Version 1
 * is the first, so the table is empty today; the mechanism is tested with an injected step.
 *
 * @example
 * // when version 2 arrives:
 * // MIGRATIONS[1] = (v1) => ({ ...v1, version: 2, nodes: v1.nodes.map(renameField) })
 */

/** The format version this code writes. */
export const CURRENT_VERSION = 1;

/** A step from version N to N+1, on plain JSON data. */
export type Migration = (value: Record<string, unknown>) => Record<string, unknown>;

/** Steps keyed by the version they migrate from. */
export const MIGRATIONS: Readonly<Record<number, Migration>> = {};

/**
 * Migrates `value` from `from` to `to`. Throws when a step is missing (a gap in the table is a bug).
 */
export function migrate(
  value: Record<string, unknown>,
  from: number,
  to: number = CURRENT_VERSION,
  steps: Readonly<Record<number, Migration>> = MIGRATIONS,
): Record<string, unknown> {
  let v = value;
  for (let version = from; version < to; version++) {
    const step = steps[version];
    if (!step) throw new Error(`no migration from version ${version} to ${version + 1}`);
    v = step(v);
  }
  return v;
}
