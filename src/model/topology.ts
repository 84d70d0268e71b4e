/**
 * The topology file format, version 1: a public contract. Later versions extend it but never break it;
 * see docs/topology-format.md. `validateTopologyText` is the one door through which files, share links and
 * pasted JSON come in: it checks size, nesting, forbidden keys, the version, the shape (unknown fields
 * rejected), kinds, ids, edges, ports and every node's config, and reports each problem with a path.
 *
 * @example
 * const r = validateTopologyText(text);
 * if (!r.ok) console.error(r.errors.map((e) => formatError(e, 'orders.json')).join('\n'));
 */
import { z } from './zod';
import { getCatalogEntry, outputPortsOf } from './catalog';
import { pathToString, type ValidationError } from './errors';
import { isExpressionIssue } from './expressions';
import { ID_PATTERN } from './ids';
import { jsonErrorOffset } from './jsonSyntax';
import { CURRENT_VERSION, migrate } from './migrations';
import { distributionSchema } from './schemas';
import { checkFaultsAndInvariants, faultsSchema, invariantsSchema } from './faults';

/** The `format` marker of every topology file. */
export const FORMAT = 'messaging-studio/topology';

/** Limits on untrusted input. */
export const LIMITS = {
  /** Bytes of file text (characters, counted as UTF-16 units). */
  maxBytes: 5 * 1024 * 1024,
  /** Depth of nested objects and arrays. */
  maxDepth: 64,
  maxNodes: 5000,
  maxEdges: 20000,
} as const;

const idSchema = z.string().regex(ID_PATTERN, 'an id of 1–64 letters, digits, _ - . :');

/** Simulation settings stored with a topology. */
export const simulationSchema = z.strictObject({
  seed: z.number().int().min(0).max(2 ** 32 - 1).default(1).meta({ title: 'Seed' }),
  until: z.number().positive().finite().max(1e12).default(60_000).meta({ title: 'Run until', unit: 'ms' }),
  maxHops: z.number().int().min(1).max(10_000).default(64).meta({ title: 'Hop limit' }),
  trace: z
    .strictObject({
      capacity: z.number().int().min(0).max(10_000_000).default(100_000).meta({ title: 'Spans kept' }),
      sample: z.number().min(0).max(1).default(1).meta({ title: 'Sampled fraction of messages' }),
    })
    .default({ capacity: 100_000, sample: 1 }),
});

/** Simulation settings with defaults applied. */
export type SimulationSettings = z.infer<typeof simulationSchema>;

const positionSchema = z.strictObject({ x: z.number().finite(), y: z.number().finite() });

/** A node as written in the file (config is validated per kind, afterwards). */
export const nodeSchema = z.strictObject({
  id: idSchema,
  kind: z.string().min(1).max(64),
  label: z.string().max(200).optional(),
  position: positionSchema.optional(),
  config: z.record(z.string(), z.unknown()).optional(),
});

/**
 * A link with capacity on an edge (optional): messages are serialized at `bandwidth` bytes per virtual
 * second, one after another, then take `latency` ms (a constant or a distribution) to arrive. See
 * `src/engine/links.ts` and docs/topology-format.md, "Links with capacity".
 */
export const linkSchema = z.strictObject({
  bandwidth: z.number().positive().finite().max(1e15).meta({ title: 'Bandwidth', unit: 'B/s' }),
  latency: z.union([z.number().min(0).finite(), distributionSchema]).optional().meta({ title: 'Latency', unit: 'ms' }),
});

/** A link's settings as written in the file. */
export type LinkSpec = z.infer<typeof linkSchema>;

/** An edge as written in the file. */
export const edgeSchema = z.strictObject({
  id: idSchema,
  source: idSchema,
  sourcePort: z.string().min(1).max(64).optional(),
  target: idSchema,
  targetPort: z.string().min(1).max(64).optional(),
  label: z.string().max(200).optional(),
  config: z.record(z.string(), z.unknown()).optional(),
  link: linkSchema.optional(),
});

/** The whole file. */
export const topologySchema = z.strictObject({
  format: z.literal(FORMAT),
  version: z.literal(CURRENT_VERSION),
  name: z.string().min(1).max(200),
  description: z.string().max(10_000).optional(),
  simulation: simulationSchema.partial().optional(),
  nodes: z.array(nodeSchema).max(LIMITS.maxNodes),
  edges: z.array(edgeSchema).max(LIMITS.maxEdges),
  faults: faultsSchema.optional(),
  invariants: invariantsSchema.optional(),
});

/** A node of a topology. */
export type TopologyNode = z.input<typeof nodeSchema>;
/** An edge of a topology. */
export type TopologyEdge = z.input<typeof edgeSchema>;
/** A topology, exactly as written in its file (defaults are applied when it runs, not here). */
export type Topology = z.input<typeof topologySchema>;

/** The result of validation. */
export type ValidationResult =
  | { ok: true; topology: Topology }
  | { ok: false; errors: ValidationError[] };

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** Line and column (1-based) of a character offset. */
function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let last = -1;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      last = i;
    }
  }
  return { line, column: offset - last };
}

/**
 * Scans JSON text for nesting depth without parsing it, so that a 10,000-deep file is refused before
 * `JSON.parse` recurses into it. Returns the offset where the limit is passed, or -1.
 */
function depthViolation(text: string, maxDepth: number): number {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92) i++; // backslash: skip the escaped character
      else if (c === 34) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 123 || c === 91) {
      if (++depth > maxDepth) return i;
    } else if (c === 125 || c === 93) depth--;
  }
  return -1;
}

/** Finds forbidden keys and excessive depth in parsed data (for values that did not come from text). */
function scanValue(value: unknown, errors: ValidationError[], maxDepth: number): void {
  const stack: { v: unknown; path: (string | number)[]; depth: number }[] = [{ v: value, path: [], depth: 0 }];
  while (stack.length) {
    const { v, path, depth } = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    if (depth >= maxDepth) {
      errors.push({ code: 'E102', message: `nesting deeper than ${maxDepth} levels`, path: pathToString(path) });
      return;
    }
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) stack.push({ v: v[i], path: [...path, i], depth: depth + 1 });
    } else {
      for (const key of Object.keys(v)) {
        if (FORBIDDEN_KEYS.has(key)) {
          errors.push({ code: 'E103', message: `the key "${key}" is not allowed`, path: pathToString([...path, key]) });
          continue;
        }
        stack.push({ v: (v as Record<string, unknown>)[key], path: [...path, key], depth: depth + 1 });
      }
    }
  }
}

/**
 * Validates topology file text: size, JSON syntax, nesting, then {@link validateTopology}.
 */
export function validateTopologyText(text: string): ValidationResult {
  if (text.length > LIMITS.maxBytes) {
    return {
      ok: false,
      errors: [
        {
          code: 'E101',
          message: `the file is ${(text.length / 1048576).toFixed(1)} MB; the limit is ${LIMITS.maxBytes / 1048576} MB`,
          path: '',
        },
      ],
    };
  }
  const deep = depthViolation(text, LIMITS.maxDepth);
  if (deep >= 0) {
    return {
      ok: false,
      errors: [{ code: 'E102', message: `nesting deeper than ${LIMITS.maxDepth} levels`, path: '', ...lineColumn(text, deep) }],
    };
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    const msg = err instanceof Error ? err.message : String(err);
    // where: our own scan, since engines do not always say (V8: "Unexpected token '}', … is not valid JSON")
    const pos = /position (\d+)/.exec(msg);
    const offset = jsonErrorOffset(text);
    const where = offset >= 0 ? lineColumn(text, offset) : pos ? lineColumn(text, Number(pos[1])) : {};
    return { ok: false, errors: [{ code: 'E100', message: `invalid JSON: ${msg}`, path: '', ...where }] };
  }
  return validateTopology(value);
}

function zodIssueToError(
  issue: z.core.$ZodIssue,
  prefix: (string | number)[],
  fallbackCode: 'E111' | 'E122' | 'E132',
  ids: { nodeId?: string; edgeId?: string },
): ValidationError[] {
  const base = [...prefix, ...(issue.path as (string | number)[])];
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((k) => ({
      code: 'E110' as const,
      message: `unknown field "${k}"`,
      path: pathToString([...base, k]),
      ...ids,
    }));
  }
  if (issue.code === 'invalid_type' && issue.message.includes('received undefined')) {
    return [{ code: 'E112', message: `required field is missing (${issue.expected})`, path: pathToString(base), ...ids }];
  }
  if (isExpressionIssue(issue)) {
    return [{ code: 'E140', message: issue.message, path: pathToString(base), position: issue.params.position, ...ids }];
  }
  return [{ code: fallbackCode, message: issue.message, path: pathToString(base), ...ids }];
}

/**
 * Validates parsed data as a topology of the current version, migrating older versions first.
 * Never throws on bad input; every problem found is returned.
 */
export function validateTopology(input: unknown): ValidationResult {
  const errors: ValidationError[] = [];
  scanValue(input, errors, LIMITS.maxDepth);
  if (errors.length) return { ok: false, errors };
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    return { ok: false, errors: [{ code: 'E104', message: 'expected a JSON object with "format": "' + FORMAT + '"', path: '' }] };
  }
  let data = input as Record<string, unknown>;
  if (data.format !== FORMAT) {
    return {
      ok: false,
      errors: [{ code: 'E104', message: `"format" must be "${FORMAT}"; this is not a Messaging Studio topology`, path: 'format' }],
    };
  }
  const version = data.version;
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) {
    return { ok: false, errors: [{ code: 'E106', message: '"version" must be a whole number ≥ 1', path: 'version' }] };
  }
  if (version > CURRENT_VERSION) {
    return {
      ok: false,
      errors: [
        {
          code: 'E105',
          message: `made by a newer version of Messaging Studio (format version ${version}; this one reads up to ${CURRENT_VERSION}). Update the studio to open it.`,
          path: 'version',
        },
      ],
    };
  }
  if (version < CURRENT_VERSION) data = migrate(data, version);

  const shape = topologySchema.safeParse(data);
  if (!shape.success) {
    for (const issue of shape.error.issues) {
      const ids: { nodeId?: string; edgeId?: string } = {};
      const [top, index] = issue.path;
      if ((top === 'nodes' || top === 'edges') && typeof index === 'number') {
        const list = data[top] as { id?: unknown }[] | undefined;
        const id = list?.[index]?.id;
        if (typeof id === 'string') ids[top === 'nodes' ? 'nodeId' : 'edgeId'] = id;
      }
      errors.push(...zodIssueToError(issue, [], 'E111', ids));
    }
    if (shape.error.issues.some((i) => i.code === 'too_big' && (i.path[0] === 'nodes' || i.path[0] === 'edges'))) {
      errors.push({ code: 'E113', message: `at most ${LIMITS.maxNodes} nodes and ${LIMITS.maxEdges} edges`, path: '' });
    }
    return { ok: false, errors };
  }
  // Keep the data as written (defaults are applied when it runs), so that import → export is exact.
  const topology = data as Topology;
  errors.push(...checkGraph(topology));
  return errors.length ? { ok: false, errors } : { ok: true, topology };
}

/** Checks kinds, ids, configs, edges and ports of a structurally valid topology. */
export function checkGraph(topology: Topology): ValidationError[] {
  const errors: ValidationError[] = [];
  const seen = new Map<string, string>();
  const nodes = new Map<string, TopologyNode>();
  const parsedConfigs = new Map<string, Record<string, unknown>>();
  topology.nodes.forEach((node, i) => {
    const nodeId = node.id;
    if (seen.has(node.id)) {
      errors.push({ code: 'E121', message: `the id "${node.id}" is already used by ${seen.get(node.id)}`, path: `nodes[${i}].id`, nodeId });
    } else seen.set(node.id, `nodes[${i}]`);
    nodes.set(node.id, node);
    const entry = getCatalogEntry(node.kind);
    if (!entry) {
      errors.push({ code: 'E120', message: `unknown kind "${node.kind}"`, path: `nodes[${i}].kind`, nodeId });
      return;
    }
    const parsed = entry.config.safeParse(node.config ?? {});
    if (!parsed.success) {
      for (const issue of parsed.error.issues) errors.push(...zodIssueToError(issue, ['nodes', i, 'config'], 'E122', { nodeId }));
    } else parsedConfigs.set(node.id, parsed.data);
  });
  const usedOutputs = new Map<string, string>();
  topology.edges.forEach((edge, i) => {
    const edgeId = edge.id;
    if (seen.has(edge.id)) {
      errors.push({ code: 'E121', message: `the id "${edge.id}" is already used by ${seen.get(edge.id)}`, path: `edges[${i}].id`, edgeId });
    } else seen.set(edge.id, `edges[${i}]`);
    const source = nodes.get(edge.source);
    const target = nodes.get(edge.target);
    if (!source) errors.push({ code: 'E130', message: `source node "${edge.source}" does not exist`, path: `edges[${i}].source`, edgeId });
    if (!target) errors.push({ code: 'E130', message: `target node "${edge.target}" does not exist`, path: `edges[${i}].target`, edgeId });
    const sEntry = source && getCatalogEntry(source.kind);
    const tEntry = target && getCatalogEntry(target.kind);
    if (sEntry && source) {
      const ports = outputPortsOf(sEntry, parsedConfigs.get(source.id) ?? source.config);
      const port = edge.sourcePort ?? 'out';
      const spec = ports.find((p) => p.id === port);
      if (!spec) {
        errors.push({
          code: 'E131',
          message: ports.length
            ? `"${source.id}" (${source.kind}) has no output port "${port}"; it has ${ports.map((p) => `"${p.id}"`).join(', ')}`
            : `"${source.id}" (${source.kind}) has no output ports`,
          path: `edges[${i}].sourcePort`,
          edgeId,
        });
      } else if (sEntry.fanOut === 'one') {
        const key = `${source.id}\u0000${port}`;
        const other = usedOutputs.get(key);
        if (other) {
          errors.push({
            code: 'E133',
            message: `port "${port}" of "${source.id}" takes one connection and already has edge "${other}"; fan out with a publish-subscribe channel or a recipient list`,
            path: `edges[${i}]`,
            edgeId,
          });
        } else usedOutputs.set(key, edge.id);
      }
      if (sEntry.edgeConfig) {
        const parsed = sEntry.edgeConfig.safeParse(edge.config ?? {});
        if (!parsed.success) {
          for (const issue of parsed.error.issues) errors.push(...zodIssueToError(issue, ['edges', i, 'config'], 'E132', { edgeId }));
        }
      } else if (edge.config && Object.keys(edge.config).length > 0) {
        errors.push({ code: 'E132', message: `edges leaving a ${source.kind} take no config`, path: `edges[${i}].config`, edgeId });
      }
    }
    if (tEntry && target) {
      const port = edge.targetPort ?? 'in';
      if (!tEntry.inputs.some((p) => p.id === port)) {
        errors.push({
          code: 'E131',
          message: tEntry.inputs.length
            ? `"${target.id}" (${target.kind}) has no input port "${port}"; it has ${tEntry.inputs.map((p) => `"${p.id}"`).join(', ')}`
            : `"${target.id}" (${target.kind}) takes no input`,
          path: `edges[${i}].targetPort`,
          edgeId,
        });
      }
    }
  });
  errors.push(...checkFaultsAndInvariants(topology, new Set(nodes.keys()), new Set(topology.edges.map((e) => e.id))));
  return errors;
}

/**
 * Serializes a topology as the canonical file text (two-space JSON, trailing newline).
 * Export followed by import gives back an equal topology.
 */
export function serializeTopology(topology: Topology): string {
  return JSON.stringify(topology, null, 2) + '\n';
}

/** An empty topology, as File → New makes it. */
export function emptyTopology(name = 'Untitled topology'): Topology {
  return { format: FORMAT, version: CURRENT_VERSION, name, simulation: { seed: 1, until: 60_000 }, nodes: [], edges: [] };
}
