/**
 * Checks a JSON Schema from a topology file before the document validator uses it. The schema is untrusted
 * data: references must stay inside it (no `$ref` to other documents, which would never resolve), and
 * every regular expression in it (`pattern`, `patternProperties`) must be simple enough that no input can
 * make it backtrack for long, because the validator runs them with the platform's backtracking engine.
 *
 * @example
 * checkJsonSchema({ type: 'object', properties: { sku: { pattern: '^(a+)+$' } } })
 * // { message: 'pattern "^(a+)+$": a repeated group that itself repeats or alternates …', path: ['properties', 'sku', 'pattern'] }
 */

/** The longest regular expression allowed in a schema. */
export const MAX_SCHEMA_PATTERN = 200;
/** The most unbounded repetitions (`*`, `+`, `{n,}`) in one regular expression. */
export const MAX_UNBOUNDED_REPEATS = 3;

/** A problem found in a schema, with the path inside it. */
export interface SchemaProblem {
  message: string;
  path: (string | number)[];
}

/**
 * Why a regular expression is refused, or null when it is acceptable. Refused: invalid syntax, longer
 * than {@link MAX_SCHEMA_PATTERN}, backreferences, lookaround, a repeated group that itself contains a
 * repetition or an alternation (`(a+)+`, `(a|ab)*`: exponential backtracking), and more than
 * {@link MAX_UNBOUNDED_REPEATS} unbounded repetitions (`\d*\d*\d*\d*`: polynomial blow-up).
 */
export function unsafeRegexReason(pattern: string): string | null {
  if (pattern.length > MAX_SCHEMA_PATTERN) return `longer than ${MAX_SCHEMA_PATTERN} characters`;
  try {
    new RegExp(pattern, 'u');
  } catch (e) {
    return `not a valid regular expression (${e instanceof Error ? e.message : String(e)})`;
  }
  // One frame per open group: whether it holds a repetition or an alternation.
  const groups: { risky: boolean }[] = [{ risky: false }];
  let lastAtomRiskyGroup = false; // the atom just read is a group holding a repetition or alternation
  let unbounded = 0;
  let i = 0;
  while (i < pattern.length) {
    const c = pattern[i];
    if (c === '\\') {
      const n = pattern[i + 1] ?? '';
      if (/[1-9]/.test(n) || n === 'k') return 'backreferences are not allowed';
      i += 2;
      lastAtomRiskyGroup = false;
      continue;
    }
    if (c === '[') {
      // a character class: skip to its unescaped end
      i++;
      while (i < pattern.length && pattern[i] !== ']') i += pattern[i] === '\\' ? 2 : 1;
      i++;
      lastAtomRiskyGroup = false;
      continue;
    }
    if (c === '(') {
      if (
        pattern.startsWith('(?=', i) ||
        pattern.startsWith('(?!', i) ||
        pattern.startsWith('(?<=', i) ||
        pattern.startsWith('(?<!', i)
      ) {
        return 'lookahead and lookbehind are not allowed';
      }
      groups.push({ risky: false });
      i += pattern.startsWith('(?:', i)
        ? 3
        : pattern.startsWith('(?<', i)
          ? pattern.indexOf('>', i) + 1 - i
          : 1;
      lastAtomRiskyGroup = false;
      continue;
    }
    if (c === ')') {
      const g = groups.pop() ?? { risky: false };
      lastAtomRiskyGroup = g.risky;
      // a group that contains risk makes its parent risky too
      if (g.risky) groups[groups.length - 1].risky = true;
      i++;
      continue;
    }
    if (c === '|') {
      groups[groups.length - 1].risky = true;
      i++;
      lastAtomRiskyGroup = false;
      continue;
    }
    if (c === '*' || c === '+' || c === '?' || c === '{') {
      let isUnbounded = c === '*' || c === '+';
      let repeats = c !== '?';
      let len = 1;
      if (c === '{') {
        const m = /^\{(\d+)(,(\d*))?\}/.exec(pattern.slice(i));
        if (!m) {
          // a literal brace (only reachable without the u flag, which we test with; kept for safety)
          i++;
          lastAtomRiskyGroup = false;
          continue;
        }
        len = m[0].length;
        isUnbounded = m[2] !== undefined && m[3] === '';
        repeats = isUnbounded || Number(m[3] ?? m[1]) > 1;
      }
      if (repeats && lastAtomRiskyGroup) {
        return 'a repeated group that itself repeats or alternates (such as (a+)+ or (a|ab)*) can take exponential time';
      }
      if (isUnbounded && ++unbounded > MAX_UNBOUNDED_REPEATS) {
        return `more than ${MAX_UNBOUNDED_REPEATS} unbounded repetitions (*, +, {n,})`;
      }
      groups[groups.length - 1].risky = true;
      i += len;
      if (pattern[i] === '?') i++; // lazy quantifier
      lastAtomRiskyGroup = false;
      continue;
    }
    i++;
    lastAtomRiskyGroup = false;
  }
  return null;
}

/**
 * The first problem of a JSON Schema given as data: a non-local `$ref` or an unsafe regular expression.
 * Returns null when it is acceptable. Walks iteratively (the topology loader has already limited depth).
 */
export function checkJsonSchema(schema: unknown): SchemaProblem | null {
  const stack: { v: unknown; path: (string | number)[] }[] = [{ v: schema, path: [] }];
  while (stack.length) {
    const { v, path } = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push({ v: v[i], path: [...path, i] });
      continue;
    }
    const obj = v as Record<string, unknown>;
    const parentKey = path[path.length - 1];
    // keys of `properties` etc. are property names, not keywords; only check keywords where they are keywords
    const isKeywordObject =
      parentKey !== 'properties' &&
      parentKey !== 'patternProperties' &&
      parentKey !== '$defs' &&
      parentKey !== 'definitions' &&
      parentKey !== 'dependentSchemas';
    if (isKeywordObject) {
      if (typeof obj.$ref === 'string' && !obj.$ref.startsWith('#')) {
        return {
          message: `$ref "${obj.$ref}" points outside this schema; only local references (#/…) are supported`,
          path: [...path, '$ref'],
        };
      }
      if (typeof obj.pattern === 'string') {
        const why = unsafeRegexReason(obj.pattern);
        if (why) return { message: `pattern "${obj.pattern}": ${why}`, path: [...path, 'pattern'] };
      }
    }
    if (parentKey === 'patternProperties') {
      for (const key of Object.keys(obj)) {
        const why = unsafeRegexReason(key);
        if (why) return { message: `pattern property "${key}": ${why}`, path: [...path, key] };
      }
    }
    for (const key of Object.keys(obj)) stack.push({ v: obj[key], path: [...path, key] });
  }
  return null;
}
