/**
 * Finds where JSON text stops being valid JSON. `JSON.parse` says what is wrong but, depending on the
 * JavaScript engine and the error, not where (V8's "Unexpected token '}', … is not valid JSON" has no
 * position), so the topology loader asks this scanner for the offset to report as line and column.
 * It is only called after `JSON.parse` failed, on text whose nesting depth was already checked.
 *
 * @example
 * jsonErrorOffset('{"a": }') // 6: the "}" where a value was expected
 */

const WS = new Set([0x20, 0x09, 0x0a, 0x0d]);

/** The offset of the first character that makes `text` invalid JSON (text.length when it ends too early), or -1 when valid. */
export function jsonErrorOffset(text: string): number {
  let i = 0;
  const n = text.length;
  const skip = () => {
    while (i < n && WS.has(text.charCodeAt(i))) i++;
  };
  const digits = () => {
    const start = i;
    while (i < n && text.charCodeAt(i) >= 0x30 && text.charCodeAt(i) <= 0x39) i++;
    return i > start;
  };
  // each returns false with `i` at the offending character
  const string = (): boolean => {
    i++; // opening quote
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 0x22) {
        i++;
        return true;
      }
      if (c < 0x20) return false;
      if (c === 0x5c) {
        i++;
        const e = text[i];
        if (e === 'u') {
          for (let k = 1; k <= 4; k++) if (!/[0-9a-fA-F]/.test(text[i + k] ?? '')) return ((i += k), false);
          i += 5;
        } else if (e !== undefined && '"\\/bfnrt'.includes(e)) i++;
        else return false;
      } else i++;
    }
    return false;
  };
  const number = (): boolean => {
    if (text[i] === '-') i++;
    if (text[i] === '0') i++;
    else if (!digits()) return false;
    if (text[i] === '.') {
      i++;
      if (!digits()) return false;
    }
    if (text[i] === 'e' || text[i] === 'E') {
      i++;
      if (text[i] === '+' || text[i] === '-') i++;
      if (!digits()) return false;
    }
    return true;
  };
  const value = (): boolean => {
    skip();
    const c = text[i];
    if (c === '{') {
      i++;
      skip();
      if (text[i] === '}') return (i++, true);
      for (;;) {
        skip();
        if (text[i] !== '"' || !string()) return false;
        skip();
        if (text[i] !== ':') return false;
        i++;
        if (!value()) return false;
        skip();
        if (text[i] === ',') i++;
        else if (text[i] === '}') return (i++, true);
        else return false;
      }
    }
    if (c === '[') {
      i++;
      skip();
      if (text[i] === ']') return (i++, true);
      for (;;) {
        if (!value()) return false;
        skip();
        if (text[i] === ',') i++;
        else if (text[i] === ']') return (i++, true);
        else return false;
      }
    }
    if (c === '"') return string();
    if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) return number();
    for (const word of ['true', 'false', 'null']) {
      if (c === word[0]) {
        for (let k = 0; k < word.length; k++, i++) if (text[i] !== word[k]) return false;
        return true;
      }
    }
    return false;
  };
  if (!value()) return Math.min(i, n);
  skip();
  return i < n ? i : -1;
}
