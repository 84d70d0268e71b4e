/**
 * Canvas-level intentions shared by the palette, the toolbar and the keyboard: where the middle of the
 * visible canvas is (to add a node there), and clipboard handling (in-app, plus the system clipboard as
 * JSON text when the browser allows it).
 */
import type { ReactFlowInstance } from '@xyflow/react';
import { formatError } from '../../model/errors';
import { serializeTopology, validateTopologyText, type Topology } from '../../model/topology';
import type { XY } from '../../state/graphEdits';
import { useStudio } from '../../state/studioStore';

/** Approximate size of a fresh node, to centre it on a point. */
const NODE_SIZE = { width: 224, height: 88 };

/** The flow position that puts a new node in the middle of the visible canvas, nudged off existing ones. */
export function centrePosition(rf: Pick<ReactFlowInstance, 'screenToFlowPosition'>): XY {
  const el = document.querySelector('[data-canvas]');
  const r = el?.getBoundingClientRect() ?? { left: 0, top: 0, width: window.innerWidth, height: window.innerHeight };
  const c = rf.screenToFlowPosition({ x: r.left + r.width / 2, y: r.top + r.height / 2 });
  let p = { x: Math.round((c.x - NODE_SIZE.width / 2) / 16) * 16, y: Math.round((c.y - NODE_SIZE.height / 2) / 16) * 16 };
  const taken = useStudio.getState().topology.nodes.map((n) => n.position).filter(Boolean) as XY[];
  for (let i = 0; i < 50 && taken.some((q) => Math.abs(q.x - p.x) < 16 && Math.abs(q.y - p.y) < 16); i++) {
    p = { x: p.x + 32, y: p.y + 32 };
  }
  return p;
}

let clipboard: Topology | null = null;
let pasteCount = 0;

/** Copies the selection (nodes and the edges between them). Returns how many nodes were copied. */
export function copySelection(): number {
  const fragment = useStudio.getState().copySelection();
  if (!fragment) return 0;
  clipboard = fragment;
  pasteCount = 0;
  try {
    void navigator.clipboard?.writeText(serializeTopology(fragment)).catch(() => undefined);
  } catch {
    // no system clipboard: the in-app one is enough
  }
  return fragment.nodes.length;
}

/** Cuts the selection. */
export function cutSelection(): number {
  const n = copySelection();
  if (n) useStudio.getState().deleteSelection();
  return n;
}

/** Pastes the in-app clipboard, each paste shifted a little further. */
export function pasteClipboard(): boolean {
  if (!clipboard) return false;
  pasteCount++;
  useStudio.getState().pasteFragment(clipboard, { x: 32 * pasteCount, y: 32 * pasteCount });
  return true;
}

/**
 * Pastes text from the system clipboard: a topology (or a copied selection, which is one) goes through
 * the same validation as a file. Returns false when the text is not meant for the studio.
 */
export function pasteText(text: string): boolean {
  const trimmed = text.trimStart();
  if (!trimmed.startsWith('{') || !trimmed.includes('messaging-studio/topology')) return false;
  // The in-app clipboard holds the same selection: paste it (keeps the shifting offsets).
  if (clipboard && text === serializeTopology(clipboard)) return pasteClipboard();
  const r = validateTopologyText(text);
  const s = useStudio.getState();
  if (!r.ok) {
    s.showProblem({ title: 'Could not paste: the clipboard does not hold a valid topology', source: 'clipboard', errors: r.errors });
    return true;
  }
  clipboard = r.topology;
  pasteCount = 0;
  return pasteClipboard();
}

/** Duplicates the selection in place (shifted), leaving the clipboard alone. */
export function duplicateSelection(): boolean {
  const s = useStudio.getState();
  const fragment = s.copySelection();
  if (!fragment) return false;
  s.pasteFragment(fragment, { x: 32, y: 32 });
  return true;
}

/** For messages: one line per error. */
export const errorLines = (errors: Parameters<typeof formatError>[0][], source?: string) => errors.map((e) => formatError(e, source));
