/**
 * The headless runner: `npm run sim -- <topology.json> [--seed N] [--until ms] [--events N]
 * [--format json|table]`. Validates the file with the same door as the studio (`validateTopologyText`),
 * runs it with the same engine in Node, and prints the run report (see docs/topology-format.md, "Runner
 * report") on stdout and nothing else. Problems go to stderr, one a line, without stack traces. When the
 * topology declares invariants and one fails, the report is still printed and the exit code is 3.
 *
 * `main` is a pure function of the arguments and a file reader, so tests call it directly; the process
 * glue at the bottom only runs when this file is the entry point.
 */
import { readFileSync, realpathSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatError } from '../model/errors';
import { validateTopologyText } from '../model/topology';
import { buildReport, type RunReport } from '../engine/report';
import { Simulation } from '../engine/Simulation';
import { parseArgs, USAGE, type CliOptions } from './args';
import { formatNumber, formatTable } from './table';

/** What the CLI prints and how it exits. */
export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Exit codes: ran; invalid topology or failed run; bad arguments or unreadable file; ran but an invariant failed. */
export const EXIT = { ok: 0, invalid: 1, usage: 2, invariant: 3 } as const;

/** Reads a file as UTF-8 text (injectable for tests). */
export type ReadText = (path: string) => string;

/** The report as the chosen format prints it. */
export function formatReport(report: RunReport, format: CliOptions['format']): string {
  return format === 'table' ? formatTable(report) : JSON.stringify(report, null, 2) + '\n';
}

/** One stderr line per invariant of the report that does not hold. */
export function invariantFailures(report: RunReport, file: string): string[] {
  return (report.invariants ?? [])
    .filter((i) => !i.ok)
    .map((i) => {
      const first = i.first[0];
      const times = `${i.violations} violation${i.violations === 1 ? '' : 's'}`;
      return `${file}: invariant "${i.id}" (${i.kind}) failed: ${times}${first ? `; first: ${first.message} at ${formatNumber(first.at)} ms: ${first.detail}` : ''}`;
    });
}

/** Why a file could not be read, in words. */
function readFailure(file: string, err: unknown): string {
  const code = (err as { code?: string } | null)?.code;
  if (code === 'ENOENT') return `${file}: no such file`;
  if (code === 'EISDIR') return `${file}: is a directory, not a topology file`;
  if (code === 'EACCES') return `${file}: permission denied`;
  return `${file}: cannot read: ${err instanceof Error ? err.message : String(err)}`;
}

/**
 * Validates and runs topology text; `file` names it in messages. Returns the report, or the error lines.
 */
export function runTopologyText(
  text: string,
  file: string,
  options: Omit<CliOptions, 'file' | 'format'> = {},
): { ok: true; report: RunReport; note?: string } | { ok: false; errors: string[] } {
  const result = validateTopologyText(text);
  if (!result.ok) return { ok: false, errors: result.errors.map((e) => formatError(e, file)) };
  let sim: Simulation;
  try {
    sim = new Simulation(result.topology, { seed: options.seed, until: options.until });
  } catch (err) {
    return {
      ok: false,
      errors: [`${file}: cannot start the run: ${err instanceof Error ? err.message : String(err)}`],
    };
  }
  try {
    const status = sim.run({ maxEvents: options.events });
    const note =
      !status.finished && options.events !== undefined
        ? `note: stopped after ${status.events} events at virtual time ${sim.now} ms, before until = ${sim.settings.until} ms`
        : undefined;
    return { ok: true, report: buildReport(sim), note };
  } catch (err) {
    return {
      ok: false,
      errors: [
        `${file}: the run failed at virtual time ${sim.now} ms: ${err instanceof Error ? err.message : String(err)}`,
      ],
    };
  }
}

/** Runs the CLI on `argv` (the arguments after the script name) and returns what to print. */
export function main(
  argv: readonly string[],
  readText: ReadText = (p) => readFileSync(p, 'utf8'),
): CliResult {
  const parsed = parseArgs(argv);
  if (parsed.kind === 'help') return { code: EXIT.ok, stdout: USAGE + '\n', stderr: '' };
  if (parsed.kind === 'error')
    return { code: EXIT.usage, stdout: '', stderr: `error: ${parsed.message}\n\n${USAGE}\n` };
  const { options } = parsed;
  let text: string;
  try {
    text = readText(options.file);
  } catch (err) {
    return { code: EXIT.usage, stdout: '', stderr: `error: ${readFailure(options.file, err)}\n\n${USAGE}\n` };
  }
  const run = runTopologyText(text, options.file, options);
  if (!run.ok) return { code: EXIT.invalid, stdout: '', stderr: run.errors.join('\n') + '\n' };
  const failures = invariantFailures(run.report, options.file);
  const stderr = [...(run.note ? [run.note] : []), ...failures].map((l) => l + '\n').join('');
  return {
    code: failures.length ? EXIT.invariant : EXIT.ok,
    stdout: formatReport(run.report, options.format),
    stderr,
  };
}

/** True when this module is the process's entry point (not imported by a test). */
function isEntryPoint(): boolean {
  const entry = process.argv[1];
  if (entry === undefined) return false;
  try {
    return realpathSync(resolve(entry)) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isEntryPoint()) {
  const result = main(process.argv.slice(2));
  if (result.stderr) process.stderr.write(result.stderr);
  if (result.stdout) process.stdout.write(result.stdout);
  process.exitCode = result.code;
}
