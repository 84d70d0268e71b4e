/**
 * Benchmark of the expression language: evaluations per second of typical filter, routing and mapping
 * expressions, each against the same logic written by hand in JavaScript, measured in the same run so
 * the report can print a ratio. Not a test: it never fails on a timing.
 *
 * Run alone with `npx tsx bench/expressions.ts`, or through the bench runner.
 */
import { pathToFileURL } from 'node:url';
import { parseExpression, type MessageLike } from '../src/engine/expressions';

/** One measured expression. */
export interface ExpressionBenchResult {
  /** What was measured (the expression text). */
  name: string;
  /** Evaluations per second of the compiled expression. */
  evalsPerSecond: number;
  /** Evaluations per second of the same logic as a hand-written JavaScript function. */
  baselineEvalsPerSecond: number;
}

interface Payload {
  total: number;
  sku: string;
  items: number[];
}

interface Case {
  expression: string;
  handWritten: (m: MessageLike) => unknown;
}

const CASES: Case[] = [
  {
    expression: 'payload.total > 100 && headers.region == "eu" && type != "Cancel"',
    handWritten: (m) =>
      (m.payload as Payload).total > 100 && m.headers.region === 'eu' && m.type !== 'Cancel',
  },
  {
    expression: 'lower(headers.region) in ["eu", "uk", "ch"] || startsWith(type, "Priority")',
    handWritten: (m) =>
      ['eu', 'uk', 'ch'].includes(m.headers.region?.toLowerCase()) || m.type.startsWith('Priority'),
  },
  {
    expression: 'payload.total >= 200 ? "large" : payload.total >= 50 ? "medium" : "small"',
    handWritten: (m) => {
      const t = (m.payload as Payload).total;
      return t >= 200 ? 'large' : t >= 50 ? 'medium' : 'small';
    },
  },
];

/** Varied messages, so neither side benefits from always seeing the same values. */
function makeMessages(n: number): MessageLike[] {
  const regions = ['eu', 'us', 'EU', 'uk', 'apac'];
  const types = ['PlaceOrder', 'Cancel', 'PriorityOrder', 'Refund'];
  const out: MessageLike[] = [];
  for (let i = 0; i < n; i++) {
    out.push({
      id: `m${i}`,
      correlationId: `m${i - (i % 3)}`,
      kind: i % 2 ? 'command' : 'event',
      type: types[i % types.length],
      headers: { region: regions[i % regions.length], topic: 'orders' },
      payload: { total: (i * 37) % 300, sku: `A-${i % 50}`, items: [i % 5, i % 7] },
    });
  }
  return out;
}

/** Evaluations per second of `f` over `messages`, best of five timed rounds of about `roundMs`. */
function measure(f: (m: MessageLike) => unknown, messages: MessageLike[], roundMs: number): number {
  const mask = messages.length - 1; // a power of two
  let sink = 0;
  const run = (iterations: number): number => {
    const t0 = performance.now();
    for (let i = 0; i < iterations; i++) if (f(messages[i & mask])) sink++;
    return performance.now() - t0;
  };
  // Warm up and size a round to about roundMs.
  let iterations = 10_000;
  while (run(iterations) < roundMs / 4) iterations *= 2;
  const perMs = iterations / Math.max(run(iterations), 1e-3);
  iterations = Math.max(10_000, Math.round(perMs * roundMs));
  let best = 0;
  for (let round = 0; round < 5; round++) best = Math.max(best, (iterations / run(iterations)) * 1000);
  if (sink === -1) console.log(sink); // keeps the results observable
  return best;
}

/**
 * Measures the compiled expressions and their hand-written equivalents.
 *
 * @returns one result per expression: evaluations per second, and the hand-written baseline.
 * @example
 * for (const r of await benchExpressions()) {
 *   console.log(r.name, (r.evalsPerSecond / 1e6).toFixed(1), 'M/s', (r.baselineEvalsPerSecond / r.evalsPerSecond).toFixed(1), '× slower than JS');
 * }
 */
export async function benchExpressions(): Promise<ExpressionBenchResult[]> {
  const messages = makeMessages(1024);
  const results: ExpressionBenchResult[] = [];
  const measured: {
    c: Case;
    compiled: (m: MessageLike) => unknown;
    handWritten: (m: MessageLike) => unknown;
  }[] = [];
  for (const c of CASES) {
    const parsed = parseExpression(c.expression);
    if (!parsed.ok) throw new Error(`bench expression does not parse: ${parsed.error.message}`);
    const expr = parsed.expr;
    // Same answers first, so the comparison is fair.
    for (const m of messages) {
      if (
        !!expr.evaluate(m) !== !!c.handWritten(m) ||
        (typeof c.handWritten(m) === 'string' && expr.evaluate(m) !== c.handWritten(m))
      ) {
        throw new Error(`bench expression and its hand-written form disagree on ${m.id}: ${c.expression}`);
      }
    }
    measured.push({ c, compiled: (m) => expr.test(m), handWritten: (m) => !!c.handWritten(m) });
  }
  // Warm the timing loop up with every function first, so that no function is measured through a call
  // site that has seen only it (V8 would inline it into the loop): both sides pay the same call.
  for (const { compiled, handWritten } of measured) {
    measure(compiled, messages, 5);
    measure(handWritten, messages, 5);
  }
  for (const { c, compiled, handWritten } of measured) {
    const baselineEvalsPerSecond = measure(handWritten, messages, 200);
    const evalsPerSecond = measure(compiled, messages, 200);
    results.push({ name: c.expression, evalsPerSecond, baselineEvalsPerSecond });
    await Promise.resolve(); // let the caller's event loop breathe between cases
  }
  return results;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  for (const r of await benchExpressions()) {
    const ratio = r.baselineEvalsPerSecond / r.evalsPerSecond;
    console.log(
      `${(r.evalsPerSecond / 1e6).toFixed(1).padStart(6)} M evals/s  (hand-written JS ${(r.baselineEvalsPerSecond / 1e6).toFixed(1)} M/s, ${ratio.toFixed(1)}× faster)  ${r.name}`,
    );
  }
}
