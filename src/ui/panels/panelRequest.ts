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
  /** What to show in the tab (a node id for the audit tab), or null. */
  focus: string | null;
}

export const usePanelRequest = create<PanelRequest>()(() => ({ tab: null, n: 0, focus: null }));

/** Shows a tab of the bottom dock (opening the dock when it is collapsed), optionally focused on a node. */
export function requestPanelTab(tab: string, focus: string | null = null): void {
  usePanelRequest.setState((r) => ({ tab, n: r.n + 1, focus }));
  const s = useStudio.getState();
  if (s.dock.collapsed) s.setDock({ collapsed: false });
}
