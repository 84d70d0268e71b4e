/**
 * Message translator: makes a translated message from each message, in this order: parse XML text
 * (input `xml`), upcast through the version steps (a step whose `from` is the message's version applies
 * its mapping and sets the version to its `to`; steps chain, each at most once), apply the field mapping
 * (rename, drop, set from an expression), enrich from lookup tables, set the new type, render XML (output
 * `xml`). The translation is derived from the original (same correlation, causation = original id) and the
 * original ends here, merged into it: the trace keeps both, so `trace.findMessage` shows the message before
 * (the original's seq) and after (the translation's seq).
 *
 * A message that cannot be translated is dead-lettered: bad XML, a field that cannot be set, or a missing
 * lookup key (with `missing: 'dead-letter'`) as `invalid`; an expression that fails while evaluating as
 * `error`. The text of the problem is the dead-letter detail.
 */
import type { z } from 'zod';
import type { JsonValue, Message } from '../../model/message';
import type { MappingOp, messageTranslatorConfig } from '../../model/kinds/transformation';
import { ExpressionError, parseExpression, type CompiledExpression } from '../expressions';
import type { NodeBehavior, NodeContext, PatternDefinition } from '../pattern';
import {
  compileFieldPath,
  copyJson,
  dropField,
  readField,
  TranslationError,
  writeField,
  type FieldPath,
  type WorkingMessage,
} from './translatorFields';
import { parseXmlPayload, renderXmlPayload } from './translatorXml';

type Config = z.output<typeof messageTranslatorConfig>;

/** A compiled mapping step. */
type Step =
  | { op: 'rename'; from: FieldPath; to: FieldPath }
  | { op: 'drop'; path: FieldPath }
  | { op: 'set'; path: FieldPath; expr: CompiledExpression };

/** Compiles mapping steps; `where` names them in errors (`mapping[2].value`). */
function compileSteps(ops: readonly MappingOp[], where: string): Step[] {
  return ops.map((op, i) => {
    switch (op.op) {
      case 'rename':
        return { op: 'rename', from: compileFieldPath(op.from), to: compileFieldPath(op.to) };
      case 'drop':
        return { op: 'drop', path: compileFieldPath(op.path) };
      case 'set': {
        const r = parseExpression(op.value);
        if (!r.ok)
          throw new Error(`${where}[${i}].value: ${r.error.message} at character ${r.error.position}`);
        return { op: 'set', path: compileFieldPath(op.path), expr: r.expr };
      }
    }
  });
}

/** The message translator (see the file comment). */
export const messageTranslator: PatternDefinition = {
  kind: 'message-translator',
  create(ctx: NodeContext<Config>): NodeBehavior {
    const c = ctx.config;
    const where = `node "${ctx.id}": config`;
    const mapping = compileSteps(c.mapping, `${where}.mapping`);
    const versionField = compileFieldPath(c.upcast.versionField);
    const upcasts = c.upcast.steps.map((s, i) => ({
      from: s.from,
      to: s.to,
      steps: compileSteps(s.ops, `${where}.upcast.steps[${i}].ops`),
    }));
    const enrich = c.enrich.map((e) => ({
      key: compileFieldPath(e.key),
      into: compileFieldPath(e.into),
      table: e.table,
      missing: e.missing,
    }));
    const evalCtx = { now: 0 };
    let translated = 0;
    let upcasted = 0;
    let failed = 0;

    const apply = (steps: readonly Step[], w: WorkingMessage, msg: Message) => {
      for (const s of steps) {
        if (s.op === 'rename') {
          const v = readField(w, s.from);
          if (v === undefined) continue;
          dropField(w, s.from);
          writeField(w, s.to, v);
        } else if (s.op === 'drop') dropField(w, s.path);
        else {
          evalCtx.now = ctx.now();
          const view = {
            id: msg.id,
            correlationId: msg.correlationId,
            kind: msg.kind,
            type: msg.type,
            headers: w.headers,
            payload: w.payload,
          };
          writeField(w, s.path, copyJson(s.expr.evaluate(view, evalCtx)));
        }
      }
    };

    const upcast = (w: WorkingMessage, msg: Message) => {
      const current = readField(w, versionField);
      let version = current === undefined || current === null ? c.upcast.assume : String(current);
      const used = new Set<number>();
      let changed = false;
      for (;;) {
        const i = upcasts.findIndex((u, k) => u.from === version && !used.has(k));
        if (i < 0) break;
        used.add(i);
        apply(upcasts[i].steps, w, msg);
        version = upcasts[i].to;
        changed = true;
      }
      if (changed) {
        writeField(w, versionField, version);
        upcasted++;
      }
    };

    const translate = (msg: Message): WorkingMessage => {
      const w: WorkingMessage = { headers: { ...msg.headers }, payload: null };
      w.payload = c.input === 'xml' ? parseXmlPayload(msg.payload) : (copyJson(msg.payload) ?? null);
      if (upcasts.length) upcast(w, msg);
      apply(mapping, w, msg);
      for (const e of enrich) {
        const key = readField(w, e.key);
        const text =
          key === undefined || key === null ? undefined : typeof key === 'string' ? key : JSON.stringify(key);
        if (text !== undefined && Object.hasOwn(e.table, text))
          writeField(w, e.into, copyJson(e.table[text]));
        else if (e.missing === 'null') writeField(w, e.into, null);
        else if (e.missing === 'dead-letter')
          throw new TranslationError(
            `${e.key.text} = ${text === undefined ? 'missing' : JSON.stringify(text)} is not in the lookup table`,
          );
      }
      if (c.output === 'xml') w.payload = renderXmlPayload(w.payload, c.xmlRoot);
      return w;
    };

    return {
      onMessage(msg) {
        let w: WorkingMessage;
        try {
          w = translate(msg);
        } catch (e) {
          failed++;
          if (e instanceof TranslationError) ctx.deadLetter(msg, 'invalid', e.message);
          else if (e instanceof ExpressionError) ctx.deadLetter(msg, 'error', `expression: ${e.message}`);
          else throw e;
          return;
        }
        const out = ctx.derive(msg, {
          headers: w.headers,
          payload: w.payload as JsonValue,
          type: c.type ?? msg.type,
        });
        translated++;
        ctx.merge(msg);
        ctx.emit('out', out);
      },
      view: () => ({ figures: { translated, upcasted, failed } }),
    };
  },
};
