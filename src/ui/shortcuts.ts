/**
 * Keyboard shortcuts: one list, used both by the handler and by the help dialog (`?`). Shortcuts do not
 * fire while typing in a field (the field's own undo, copy and paste apply there).
 */
import type { ReactFlowInstance } from '@xyflow/react';
import { useStudio } from '../state/studioStore';
import { autoLayout } from './canvas/autoLayout';
import { copySelection, cutSelection, duplicateSelection, pasteClipboard, pasteText } from './canvas/canvasActions';
import { exportTopology } from './files/documents';

/** A shortcut, for the help dialog. `Mod` is Ctrl, or ⌘ on a Mac. */
export interface ShortcutInfo {
  keys: string[];
  description: string;
  group: 'Edit' | 'Canvas' | 'File' | 'View';
}

export const SHORTCUTS: readonly ShortcutInfo[] = [
  { keys: ['Mod+Z'], description: 'Undo', group: 'Edit' },
  { keys: ['Shift+Mod+Z', 'Mod+Y'], description: 'Redo', group: 'Edit' },
  { keys: ['Mod+C'], description: 'Copy the selected nodes (and the connections between them)', group: 'Edit' },
  { keys: ['Mod+X'], description: 'Cut', group: 'Edit' },
  { keys: ['Mod+V'], description: 'Paste (also a topology copied as JSON text)', group: 'Edit' },
  { keys: ['Mod+D'], description: 'Duplicate the selection', group: 'Edit' },
  { keys: ['Delete', 'Backspace'], description: 'Delete the selection', group: 'Edit' },
  { keys: ['Mod+A'], description: 'Select everything', group: 'Edit' },
  { keys: ['Escape'], description: 'Clear the selection', group: 'Edit' },
  { keys: ['Shift+drag'], description: 'Select with a rectangle', group: 'Canvas' },
  { keys: ['Mod+click'], description: 'Add to / remove from the selection', group: 'Canvas' },
  { keys: ['Arrow keys'], description: 'Move the selected nodes', group: 'Canvas' },
  { keys: ['Shift+L'], description: 'Auto-layout the topology', group: 'Canvas' },
  { keys: ['Shift+1', 'F'], description: 'Fit the topology in view', group: 'Canvas' },
  { keys: ['/'], description: 'Search the palette', group: 'Canvas' },
  { keys: ['Enter'], description: 'On a palette item: add it in the middle of the canvas', group: 'Canvas' },
  { keys: ['Mod+O'], description: 'Open a topology file', group: 'File' },
  { keys: ['Shift+Mod+E'], description: 'Export the topology as a file', group: 'File' },
  { keys: ['?'], description: 'Show these shortcuts', group: 'View' },
];

/** Whether the platform's modifier is ⌘. */
export const isMac = () => /Mac|iPhone|iPad/.test(navigator.platform || navigator.userAgent);

/** `Mod+Z` → `Ctrl+Z` or `⌘Z`. */
export const displayKey = (k: string) => (isMac() ? k.replace(/Mod\+/g, '⌘').replace(/Shift\+/g, '⇧') : k.replace(/Mod/g, 'Ctrl'));

function isEditable(t: EventTarget | null): boolean {
  const el = t as HTMLElement | null;
  if (!el || !el.tagName) return false;
  const tag = el.tagName;
  if (tag === 'TEXTAREA' || tag === 'SELECT' || el.isContentEditable) return true;
  if (tag === 'INPUT') {
    const type = (el as HTMLInputElement).type;
    return !['checkbox', 'radio', 'button', 'submit', 'range', 'color', 'file'].includes(type);
  }
  return false;
}

/** Installs the global shortcut handlers; returns a function that removes them. */
export function installShortcuts(rf: () => ReactFlowInstance | null, actions: { openFile(): void }): () => void {
  let pasteHandled = false;

  const onKeyDown = (e: KeyboardEvent) => {
    if (e.defaultPrevented || isEditable(e.target)) return;
    const s = useStudio.getState();
    if (s.dialog || s.problem) return; // a dialog has the keyboard
    const mod = e.ctrlKey || e.metaKey;
    const key = e.key.length === 1 ? e.key.toLowerCase() : e.key;
    /** Takes the key from the browser and runs the action. */
    const done = (action?: () => unknown) => {
      e.preventDefault();
      action?.();
    };

    if (mod && !e.altKey) {
      if (key === 'z' && !e.shiftKey) return done(() => s.undo());
      if ((key === 'z' && e.shiftKey) || key === 'y') return done(() => s.redo());
      if (key === 'c') {
        if (copySelection()) done();
        return;
      }
      if (key === 'x') {
        if (cutSelection()) done();
        return;
      }
      if (key === 'v') {
        // The paste event (below) reads the system clipboard; fall back to the in-app one.
        pasteHandled = false;
        setTimeout(() => {
          if (!pasteHandled) pasteClipboard();
        }, 60);
        return;
      }
      if (key === 'd') return done(() => void duplicateSelection());
      if (key === 'a') return done(() => s.selectAll());
      if (key === 'o') return done(() => actions.openFile());
      if (key === 'e' && e.shiftKey) return done(() => exportTopology());
      return;
    }
    if (e.altKey) return;
    if (key === 'Delete' || key === 'Backspace') return done(() => s.deleteSelection());
    if (key === 'Escape') return s.clearSelection();
    if (key === '?') return done(() => s.openDialog('help'));
    if (key === '/') {
      const search = document.querySelector<HTMLInputElement>('.palette input[type=search]');
      if (search) return done(() => search.focus());
      return;
    }
    if (key === 'l' && e.shiftKey) {
      done();
      void autoLayout().then((ok) => ok && setTimeout(() => void rf()?.fitView({ padding: 0.2, duration: 300 }), 30));
      return;
    }
    if ((key === '!' && e.shiftKey) || (e.code === 'Digit1' && e.shiftKey) || (key === 'f' && !e.shiftKey)) {
      done();
      void rf()?.fitView({ padding: 0.2, duration: 300, maxZoom: 1.25 });
    }
  };

  const onPaste = (e: ClipboardEvent) => {
    if (isEditable(e.target)) return;
    const s = useStudio.getState();
    if (s.dialog || s.problem) return;
    pasteHandled = true;
    const text = e.clipboardData?.getData('text/plain') ?? '';
    e.preventDefault();
    if (!pasteText(text)) pasteClipboard();
  };

  window.addEventListener('keydown', onKeyDown);
  document.addEventListener('paste', onPaste);
  return () => {
    window.removeEventListener('keydown', onKeyDown);
    document.removeEventListener('paste', onPaste);
  };
}
