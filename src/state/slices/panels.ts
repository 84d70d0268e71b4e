/**
 * Panels slice: UI chrome state — theme and large-text mode (remembered), which dialog is open, the
 * problem report of a refused file or link, toasts, the bottom dock, and the autosave indicator.
 */
import type { StateCreator } from 'zustand';
import type { ValidationError } from '../../model/errors';
import type { StudioState } from '../studioStore';

export type Theme = 'light' | 'dark';
export type DialogId = 'help' | 'examples' | 'topologies' | 'share';

/** A list of errors to show (a refused file, link or paste). The open topology is left as it was. */
export interface ProblemReport {
  title: string;
  /** The file name or "share link", used in each formatted line. */
  source?: string;
  errors: readonly ValidationError[];
}

export interface Toast {
  id: number;
  tone: 'info' | 'success' | 'error';
  text: string;
}

export interface PanelsSlice {
  /** False until the startup sequence has opened something (a link, an example or the last topology). */
  ready: boolean;
  theme: Theme;
  largeText: boolean;
  dialog: DialogId | null;
  problem: ProblemReport | null;
  toasts: readonly Toast[];
  dock: { height: number; collapsed: boolean };
  saveState: 'idle' | 'saving' | 'saved' | 'error';
  /** The graph revision that the last successful save wrote. */
  savedRevision: number;
  setReady(): void;
  setTheme(theme: Theme): void;
  setLargeText(on: boolean): void;
  openDialog(d: DialogId): void;
  closeDialog(): void;
  showProblem(p: ProblemReport): void;
  clearProblem(): void;
  /** Shows a short message; errors stay longer. */
  toast(text: string, tone?: Toast['tone']): void;
  dismissToast(id: number): void;
  setDock(patch: Partial<PanelsSlice['dock']>): void;
  setSaveState(s: PanelsSlice['saveState'], revision?: number): void;
}

const THEME_KEY = 'messaging-studio.theme';
const LARGE_KEY = 'messaging-studio.largeText';
const DOCK_KEY = 'messaging-studio.dock';

function readStorage(key: string): string | null {
  try {
    return globalThis.localStorage?.getItem(key) ?? null;
  } catch {
    return null;
  }
}

function writeStorage(key: string, value: string): void {
  try {
    globalThis.localStorage?.setItem(key, value);
  } catch {
    // private mode or storage full: the preference is simply not remembered
  }
}

/** The theme to start with: the remembered one, else the system's preference. */
export function initialTheme(): Theme {
  const saved = readStorage(THEME_KEY);
  if (saved === 'light' || saved === 'dark') return saved;
  return globalThis.matchMedia?.('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
}

function initialDock(): PanelsSlice['dock'] {
  try {
    const v = JSON.parse(readStorage(DOCK_KEY) ?? 'null') as unknown;
    if (v && typeof v === 'object' && 'height' in v && 'collapsed' in v) {
      const { height, collapsed } = v as { height: unknown; collapsed: unknown };
      if (typeof height === 'number' && typeof collapsed === 'boolean') return { height: Math.min(Math.max(height, 120), 800), collapsed };
    }
  } catch {
    // ignore a damaged preference
  }
  return { height: 200, collapsed: false };
}

let toastSeq = 0;

export const createPanelsSlice: StateCreator<StudioState, [], [], PanelsSlice> = (set, get) => ({
  ready: false,
  theme: initialTheme(),
  largeText: readStorage(LARGE_KEY) === '1',
  dialog: null,
  problem: null,
  toasts: [],
  dock: initialDock(),
  saveState: 'idle',
  savedRevision: -1,
  setReady: () => set({ ready: true }),
  setTheme: (theme) => {
    writeStorage(THEME_KEY, theme);
    set({ theme });
  },
  setLargeText: (on) => {
    writeStorage(LARGE_KEY, on ? '1' : '0');
    set({ largeText: on });
  },
  openDialog: (dialog) => set({ dialog }),
  closeDialog: () => set({ dialog: null }),
  showProblem: (problem) => set({ problem }),
  clearProblem: () => set({ problem: null }),
  toast: (text, tone = 'info') => {
    const id = ++toastSeq;
    set((s) => ({ toasts: [...s.toasts.slice(-3), { id, tone, text }] }));
    setTimeout(() => get().dismissToast(id), tone === 'error' ? 7000 : 3500);
  },
  dismissToast: (id) => set((s) => ({ toasts: s.toasts.filter((t) => t.id !== id) })),
  setDock: (patch) => {
    const dock = { ...get().dock, ...patch };
    writeStorage(DOCK_KEY, JSON.stringify(dock));
    set({ dock });
  },
  setSaveState: (saveState, revision) => set(revision === undefined ? { saveState } : { saveState, savedRevision: revision }),
});
