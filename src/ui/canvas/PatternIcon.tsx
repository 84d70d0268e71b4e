/**
 * Inline SVG icons (no icon font, no CDN): one per family, with a few kinds drawn specially. 24×24,
 * stroked in currentColor, so they follow the family colour and the theme.
 */
import type { ReactNode } from 'react';
import type { Family } from '../../model/catalog';

const FAMILY_ICONS: Record<Family | 'unknown', ReactNode> = {
  endpoints: (
    <>
      <rect x="3" y="6" width="8" height="12" rx="2" />
      <path d="M11 12h10m-3-3 3 3-3 3" />
    </>
  ),
  channels: (
    <>
      <rect x="2.5" y="7" width="19" height="10" rx="5" />
      <path d="M8 10v4M12 10v4M16 10v4" />
    </>
  ),
  'message-construction': (
    <>
      <rect x="4" y="5" width="16" height="14" rx="2" />
      <path d="m4 7 8 6 8-6" />
    </>
  ),
  routing: (
    <>
      <circle cx="5" cy="12" r="2" />
      <path d="M7 12h4m0 0 3-5h6m-9 5 3 5h6m-3-13 3 3-3 3m0 4 3 3-3 3" />
    </>
  ),
  transformation: (
    <>
      <path d="M4 8h12m-3-3 3 3-3 3M20 16H8m3-3-3 3 3 3" />
    </>
  ),
  'event-sourcing': (
    <>
      <path d="M5 4h14v16H5z" />
      <path d="M8 8h8M8 12h8M8 16h5" />
    </>
  ),
  cqrs: (
    <>
      <path d="M12 3v18" />
      <path d="M4 8h5M4 12h5M15 8h5m-5 4h5m-5 4h5" />
    </>
  ),
  sagas: (
    <>
      <circle cx="6" cy="6" r="2" />
      <circle cx="18" cy="12" r="2" />
      <circle cx="6" cy="18" r="2" />
      <path d="M8 6h4a4 4 0 0 1 4 4M16 14a4 4 0 0 1-4 4H8" />
    </>
  ),
  performance: (
    <>
      <path d="M4 17a8 8 0 1 1 16 0" />
      <path d="m12 17 4-6" />
    </>
  ),
  reliability: (
    <>
      <path d="M12 3 5 6v5c0 4.5 3 8 7 10 4-2 7-5.5 7-10V6z" />
      <path d="m9 12 2 2 4-4" />
    </>
  ),
  security: (
    <>
      <rect x="5" y="10" width="14" height="10" rx="2" />
      <path d="M8 10V7a4 4 0 0 1 8 0v3" />
    </>
  ),
  observability: (
    <>
      <path d="M2 12s3.5-6 10-6 10 6 10 6-3.5 6-10 6S2 12 2 12z" />
      <circle cx="12" cy="12" r="2.5" />
    </>
  ),
  unknown: (
    <>
      <rect x="4" y="4" width="16" height="16" rx="3" />
      <path d="M10 9.5a2 2 0 1 1 2.5 2c-.5.2-.5.8-.5 1.5M12 16v.01" />
    </>
  ),
};

const KIND_ICONS: Record<string, ReactNode> = {
  producer: (
    <>
      <circle cx="7" cy="12" r="3" />
      <path d="M10 12h11m-3-3 3 3-3 3M4 6.5A8 8 0 0 1 7 5m-3 12.5A8 8 0 0 0 7 19" />
    </>
  ),
  'service-activator': (
    <>
      <circle cx="12" cy="12" r="3" />
      <path d="M12 3v3m0 12v3M3 12h3m12 0h3M5.6 5.6l2.1 2.1m8.6 8.6 2.1 2.1m0-12.8-2.1 2.1m-8.6 8.6-2.1 2.1" />
    </>
  ),
  sink: (
    <>
      <path d="M3 12h10m-3-3 3 3-3 3" />
      <path d="M15 5h4a1 1 0 0 1 1 1v12a1 1 0 0 1-1 1h-4" />
    </>
  ),
  'point-to-point': FAMILY_ICONS.channels,
  'publish-subscribe': (
    <>
      <circle cx="5" cy="12" r="2" />
      <path d="M7 12h5m0 0 7-6m-7 6h7m-7 0 7 6" />
      <circle cx="20" cy="6" r="1" />
      <circle cx="20" cy="12" r="1" />
      <circle cx="20" cy="18" r="1" />
    </>
  ),
  'dead-letter': (
    <>
      <rect x="3" y="6" width="18" height="13" rx="2" />
      <path d="m3 8 9 6 9-6" />
      <path d="m15 2-3 3-3-3" />
    </>
  ),
  'content-based-router': FAMILY_ICONS.routing,
  'message-filter': (
    <>
      <path d="M4 5h16l-6 7v6l-4 2v-8z" />
    </>
  ),
  'recipient-list': (
    <>
      <path d="M4 6h3m-3 6h3m-3 6h3" />
      <path d="M10 6h10M10 12h10M10 18h10" />
    </>
  ),
};

/** The icon of a kind (or of its family). Decorative: the node shows the kind's name as text. */
export function PatternIcon({ kind, family, size = 18 }: { kind: string; family: Family | 'unknown'; size?: number }) {
  return (
    <svg
      width={size}
      height={size}
      viewBox="0 0 24 24"
      fill="none"
      stroke="currentColor"
      strokeWidth="1.75"
      strokeLinecap="round"
      strokeLinejoin="round"
      aria-hidden="true"
      focusable="false"
    >
      {KIND_ICONS[kind] ?? FAMILY_ICONS[family]}
    </svg>
  );
}
