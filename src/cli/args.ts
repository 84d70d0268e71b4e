/**
 * Command-line arguments of the headless runner (`npm run sim -- <topology.json> [options]`). Parsing is a
 * pure function of the argument list so that it can be tested without spawning a process.
 *
 * @example
 * parseArgs(['orders.json', '--seed', '7', '--format=table'])
 * // { kind: 'run', options: { file: 'orders.json', seed: 7, format: 'table' } }
 */

/** Output formats of the report. */
export type ReportFormat = 'json' | 'table';

/** Options of one run of the CLI. */
export interface CliOptions {
  /** Path of the topology file. */
  file: string;
  /** Overrides the topology's `simulation.seed`. */
  seed?: number;
  /** Overrides the topology's `simulation.until` (virtual ms). */
  until?: number;
  /** Stops after this many events even if `until` is not reached. */
  events?: number;
  format: ReportFormat;
}

/** What the arguments ask for. */
export type ParsedArgs =
  { kind: 'run'; options: CliOptions } | { kind: 'help' } | { kind: 'error'; message: string };

/** Usage text, printed by `--help` and after argument errors. */
export const USAGE = `Usage: npm run sim -- <topology.json> [options]
       npx tsx src/cli/run.ts <topology.json> [options]

Runs a Messaging Studio topology headless and prints its report on stdout.

Options:
  --seed N          random seed, a whole number 0 … 4294967295 (default: the file's simulation.seed)
  --until MS        virtual time to run to, in ms (default: the file's simulation.until)
  --events N        stop after N events, even before --until
  --format F        json (default) or table
  -h, --help        print this help

Exit codes: 0 ran, 1 invalid topology or failed run, 2 bad arguments or unreadable file,
            3 ran but an invariant of the topology failed.`;

const MAX_SEED = 2 ** 32 - 1;

type NumberFlag = 'seed' | 'until' | 'events';

/** Parses a flag's number, or returns an error message. */
function parseNumber(flag: NumberFlag, raw: string): number | string {
  const trimmed = raw.trim();
  const n = trimmed === '' ? NaN : Number(trimmed);
  switch (flag) {
    case 'seed':
      return Number.isInteger(n) && n >= 0 && n <= MAX_SEED
        ? n
        : `--seed must be a whole number from 0 to ${MAX_SEED}, got "${raw}"`;
    case 'until':
      return Number.isFinite(n) && n > 0 && n <= 1e12
        ? n
        : `--until must be a number of virtual ms > 0 and ≤ 1e12, got "${raw}"`;
    case 'events':
      return Number.isInteger(n) && n >= 1 ? n : `--events must be a whole number ≥ 1, got "${raw}"`;
  }
}

/**
 * Parses the arguments after the script name. Accepts `--flag value` and `--flag=value`; `--` ends the
 * options (for file names that start with a dash).
 */
export function parseArgs(argv: readonly string[]): ParsedArgs {
  const options: Partial<CliOptions> & { format: ReportFormat } = { format: 'json' };
  const files: string[] = [];
  let onlyFiles = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (onlyFiles || arg === '-' || !arg.startsWith('-')) {
      files.push(arg);
      continue;
    }
    if (arg === '--') {
      onlyFiles = true;
      continue;
    }
    if (arg === '-h' || arg === '--help') return { kind: 'help' };
    const eq = arg.indexOf('=');
    const name = eq >= 0 ? arg.slice(0, eq) : arg;
    if (name !== '--seed' && name !== '--until' && name !== '--events' && name !== '--format') {
      return { kind: 'error', message: `unknown option "${name}"` };
    }
    let value: string;
    if (eq >= 0) value = arg.slice(eq + 1);
    else if (i + 1 < argv.length) value = argv[++i];
    else return { kind: 'error', message: `${name} needs a value` };
    if (name === '--format') {
      if (value !== 'json' && value !== 'table')
        return { kind: 'error', message: `--format must be json or table, got "${value}"` };
      options.format = value;
      continue;
    }
    const flag = name.slice(2) as NumberFlag;
    const n = parseNumber(flag, value);
    if (typeof n === 'string') return { kind: 'error', message: n };
    options[flag] = n;
  }
  if (files.length === 0) return { kind: 'error', message: 'no topology file given' };
  if (files.length > 1)
    return {
      kind: 'error',
      message: `one topology file at a time (got ${files.map((f) => `"${f}"`).join(', ')})`,
    };
  return { kind: 'run', options: { ...options, file: files[0] } };
}
