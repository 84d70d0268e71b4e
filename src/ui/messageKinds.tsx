/**
 * The one visual language for message kinds, shared by the canvas, the inspector and the run panels
 * (trace rows): command = blue rounded square ("do this"), event = orange circle ("this happened"),
 * document = green page with a folded corner ("here is data"). Colours come from CSS variables
 * (`--msg-command`, `--msg-event`, `--msg-document` in styles/theme.css), so both themes stay legible.
 *
 * @example
 * <MessageKindIcon kind="event" />  <MessageKindBadge kind="command" text="PlaceOrder" />
 */
import type { MessageKind } from '../model/message';

/** Display tokens of one message kind. */
export interface MessageKindToken {
  kind: MessageKind;
  label: string;
  /** The shape, for people who do not tell the colours apart. */
  shape: 'square' | 'circle' | 'page';
  /** A CSS colour (a variable reference). */
  color: string;
  /** What the kind means, for tooltips. */
  meaning: string;
}

/** The tokens, by kind. */
export const MESSAGE_KIND_TOKENS: Readonly<Record<MessageKind, MessageKindToken>> = {
  command: { kind: 'command', label: 'Command', shape: 'square', color: 'var(--msg-command)', meaning: 'asks a receiver to do something' },
  event: { kind: 'event', label: 'Event', shape: 'circle', color: 'var(--msg-event)', meaning: 'tells that something happened' },
  document: { kind: 'document', label: 'Document', shape: 'page', color: 'var(--msg-document)', meaning: 'carries data' },
};

/** Whether a value is a message kind. */
export function isMessageKind(v: unknown): v is MessageKind {
  return v === 'command' || v === 'event' || v === 'document';
}

/** The shape of a message kind, in its colour (decorative: pair it with a text label). */
export function MessageKindIcon({ kind, size = 12 }: { kind: MessageKind; size?: number }) {
  const t = MESSAGE_KIND_TOKENS[kind];
  return (
    <svg
      className={`msg-icon msg-icon--${kind}`}
      width={size}
      height={size}
      viewBox="0 0 12 12"
      aria-hidden="true"
      focusable="false"
      style={{ color: t.color, flex: 'none' }}
    >
      {t.shape === 'square' && <rect x="1" y="1" width="10" height="10" rx="2.5" fill="currentColor" />}
      {t.shape === 'circle' && <circle cx="6" cy="6" r="5" fill="currentColor" />}
      {t.shape === 'page' && (
        <>
          <path d="M2 1h5.5L10 3.5V11H2z" fill="currentColor" />
          <path d="M7.5 1v2.5H10" fill="none" stroke="var(--surface, #fff)" strokeWidth="1" strokeLinejoin="round" />
        </>
      )}
    </svg>
  );
}

/** A small chip: the kind's shape and colour, and a text (the message type, or the kind's name). */
export function MessageKindBadge({ kind, text }: { kind: MessageKind; text?: string }) {
  const t = MESSAGE_KIND_TOKENS[kind];
  return (
    <span className={`msg-badge msg-badge--${kind}`} title={`${t.label}: ${t.meaning}`}>
      <MessageKindIcon kind={kind} size={10} />
      <span className="msg-badge__text">{text ?? t.label}</span>
    </span>
  );
}
