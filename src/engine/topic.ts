/**
 * Topic patterns of publish-subscribe subscriptions (AMQP topic-exchange style): words separated by dots;
 * `*` matches exactly one word, `#` zero or more words.
 *
 * @example
 * compileTopicPattern('orders.*')('orders.created'); // true
 * compileTopicPattern('orders.#')('orders');         // true
 */

/** Compiles a topic pattern into a matcher. */
export function compileTopicPattern(pattern: string): (topic: string) => boolean {
  if (pattern === '#') return () => true;
  if (!pattern.includes('*') && !pattern.includes('#')) return (topic) => topic === pattern;
  const parts = pattern.split('.');
  return (topic) => matchWords(parts, 0, topic.split('.'), 0);
}

function matchWords(p: string[], i: number, t: string[], j: number): boolean {
  for (;;) {
    if (i === p.length) return j === t.length;
    const w = p[i];
    if (w === '#') {
      // '#' swallows zero or more words; try each split (patterns are short: bounded work)
      for (let k = j; k <= t.length; k++) if (matchWords(p, i + 1, t, k)) return true;
      return false;
    }
    if (j === t.length) return false;
    if (w !== '*' && w !== t[j]) return false;
    i++;
    j++;
  }
}
