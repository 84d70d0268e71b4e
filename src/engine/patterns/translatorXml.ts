/**
 * XML for the message translator, with `fast-xml-parser` configured for untrusted input: documents with a
 * DOCTYPE are refused (no entity declarations, so no entity expansion; `processEntities` is off and only
 * the five predefined entities and character references are decoded), nesting is limited, element and
 * attribute names `__proto__`, `constructor` and `prototype` are refused, and the text is checked to be
 * well-formed first. Attributes read as `@_name`, element text next to attributes as `#text`.
 *
 * @example
 * parseXmlPayload('<order id="7"><sku>A-1</sku></order>'); // { '@_id': '7', sku: 'A-1' }
 * renderXmlPayload({ sku: 'A-1' }, 'order');              // '<order><sku>A-1</sku></order>'
 */
import { XMLBuilder, XMLParser } from 'fast-xml-parser';
import type { JsonValue } from '../../model/message';
import { copyJson, TranslationError } from './translatorFields';

/** Longest XML text the translator parses, in characters. */
export const MAX_XML_LENGTH = 1_048_576;
/** Deepest element nesting the translator parses. */
export const MAX_XML_DEPTH = 64;

const PREDEFINED: Readonly<Record<string, string>> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

/** Decodes the predefined XML entities and character references (never declared entities). */
export function decodeXmlText(s: string): string {
  if (s.indexOf('&') < 0) return s;
  return s.replace(/&(lt|gt|amp|quot|apos|#\d{1,7}|#x[0-9A-Fa-f]{1,6});/g, (whole, name: string) => {
    if (name[0] !== '#') return PREDEFINED[name];
    const code = name[1] === 'x' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
    return code > 0 && code <= 0x10ffff && !(code >= 0xd800 && code <= 0xdfff)
      ? String.fromCodePoint(code)
      : whole;
  });
}

const refuse = (name: string): string => {
  throw new TranslationError(`the XML name "${name}" is not allowed`);
};

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  textNodeName: '#text',
  processEntities: false,
  htmlEntities: false,
  ignoreDeclaration: true,
  ignorePiTags: true,
  maxNestedTags: MAX_XML_DEPTH,
  parseTagValue: true,
  parseAttributeValue: false,
  numberParseOptions: { hex: false, leadingZeros: false, eNotation: true },
  tagValueProcessor: (_name: string, value: string) => decodeXmlText(value),
  attributeValueProcessor: (_name: string, value: string) => decodeXmlText(value),
  onDangerousProperty: refuse,
});

const builder = new XMLBuilder({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  textNodeName: '#text',
  processEntities: true,
  suppressEmptyNode: true,
  format: false,
});

/**
 * Parses XML text into JSON: the content of its single root element.
 *
 * @throws TranslationError when the payload is not text, too long, has a DOCTYPE, is not well-formed,
 *   has several roots, or uses a refused name.
 */
export function parseXmlPayload(payload: JsonValue): JsonValue {
  if (typeof payload !== 'string') throw new TranslationError('the payload is not XML text');
  if (payload.length > MAX_XML_LENGTH)
    throw new TranslationError(`the XML is longer than ${MAX_XML_LENGTH} characters`);
  if (/<!DOCTYPE/i.test(payload))
    throw new TranslationError('XML with a DOCTYPE is not accepted (entity declarations are refused)');
  let parsed: unknown;
  try {
    parsed = parser.parse(payload, true);
  } catch (e) {
    if (e instanceof TranslationError) throw e;
    throw new TranslationError(`invalid XML: ${e instanceof Error ? e.message : String(e)}`);
  }
  const roots = parsed !== null && typeof parsed === 'object' ? Object.keys(parsed) : [];
  if (roots.length !== 1)
    throw new TranslationError(`the XML must have one root element, it has ${roots.length}`);
  const content = copyJson((parsed as Record<string, unknown>)[roots[0]]);
  return content === undefined ? null : content;
}

const XML_NAME = /^[A-Za-z_][A-Za-z0-9_.-]*$/;

/** Checks that every key can be an element (or `@_` attribute) name, so keys cannot inject markup. */
function checkNames(value: JsonValue, depth: number): void {
  if (value === null || typeof value !== 'object') return;
  if (depth > MAX_XML_DEPTH)
    throw new TranslationError(`the payload nests deeper than ${MAX_XML_DEPTH} levels`);
  if (Array.isArray(value)) {
    for (const v of value) checkNames(v, depth + 1);
    return;
  }
  for (const key of Object.keys(value)) {
    const name = key.startsWith('@_') ? key.slice(2) : key;
    if (key !== '#text' && !XML_NAME.test(name))
      throw new TranslationError(`the field "${key}" cannot be an XML name`);
    checkNames(value[key], depth + 1);
  }
}

/**
 * Renders JSON as XML text under a root element. Text and attribute values are escaped, and every key must
 * be an XML name, so no markup can be injected.
 *
 * @throws TranslationError when a key is not an XML name or the payload nests too deeply.
 */
export function renderXmlPayload(payload: JsonValue, root: string): string {
  checkNames(payload, 0);
  const xml: unknown = builder.build({ [root]: payload });
  return typeof xml === 'string' ? xml : String(xml);
}
