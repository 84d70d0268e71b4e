/**
 * A request to show a tab of the bottom dock, from outside it (the invariants panel picks a message and
 * shows it in the trace; the inspector opens an access-control node's audit log). The dock follows the
 * newest request; a collapsed dock opens.
 */
import { create } from 'zustand';
import { useStudio } from '../../state/studioStore';

interface PanelRequest {
  /** The tab asked for (a BottomPanels tab id), or null. */
  tab: string | null;
  /** Counts requests, so asking twice for the same tab shows it twice. */
  n: number;
}

export const usePanelRequest = create<PanelRequest>()(() => ({ tab: null, n: 0 }));

/** Shows a tab of the bottom dock (opening the dock when it is collapsed). */
export function requestPanelTab(tab: string): void {
  usePanelRequest.setState((r) => ({ tab, n: r.n + 1 }));
  const s = useStudio.getState();
  if (s.dock.collapsed) s.setDock({ collapsed: false });
}
