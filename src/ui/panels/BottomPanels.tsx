/**
 * The bottom dock's content: tabs for the throughput, trace and dead-letter panels. Only the open tab is
 * mounted, and nothing but the tabs while the dock is collapsed, so a hidden panel costs nothing while
 * the run streams frames. (The dock itself — resizing, the collapse toggle — is the editor's BottomDock.)
 */
import { useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { useFrames } from '../../state/frameStore';
import { useStudio } from '../../state/studioStore';
import { AuditPanel } from './AuditPanel';
import { installBenchHooks } from './benchHooks';
import { DeadLetterPanel } from './DeadLetterPanel';
import { EventStorePanel } from './eventsourcing/EventStorePanel';
import { ReadModelPanel } from './eventsourcing/ReadModelPanel';
import { SagaPanel } from './eventsourcing/SagaPanel';
import { InvariantsPanel } from './InvariantsPanel';
import { usePanelRequest } from './panelRequest';
import { ThroughputPanel } from './ThroughputPanel';
import { TracePanel } from './trace/TracePanel';
import './panels.css';

installBenchHooks();

type Tab = 'throughput' | 'trace' | 'dead-letters' | 'invariants' | 'audit' | 'event-store' | 'read-models' | 'sagas';
const TABS: { id: Tab; label: string }[] = [
  { id: 'throughput', label: 'Throughput' },
  { id: 'trace', label: 'Trace' },
  { id: 'dead-letters', label: 'Dead letters' },
  { id: 'invariants', label: 'Invariants' },
  { id: 'audit', label: 'Audit' },
  { id: 'event-store', label: 'Event store' },
  { id: 'read-models', label: 'Read models' },
  { id: 'sagas', label: 'Sagas' },
];
const TAB_KEY = 'messaging-studio.panelTab';

function initialTab(): Tab {
  try {
    const t = globalThis.localStorage?.getItem(TAB_KEY);
    const known = TABS.find((x) => x.id === t);
    if (known) return known.id;
  } catch {
    // storage unavailable: use the default
  }
  return 'throughput';
}

const selectViolated = (s: { frame: { invariants?: { ok: boolean }[] | null } | null }) =>
  s.frame?.invariants?.reduce((n, inv) => n + (inv.ok ? 0 : 1), 0) ?? 0;
const selectDeadLettered = (s: { frame: { totals: { deadLettered: number } } | null }) =>
  s.frame?.totals.deadLettered ?? 0;

export function BottomPanels() {
  const [tab, setTabState] = useState<Tab>(initialTab);
  const { collapsed, errors } = useStudio(
    useShallow((s) => ({ collapsed: s.dock.collapsed, errors: s.runErrors })),
  );
  const deadLettered = useFrames(selectDeadLettered);
  const violated = useFrames(selectViolated);
  // another panel asked for a tab (pickMessage → trace): follow the newest request
  const request = usePanelRequest(useShallow((r) => ({ n: r.n, tab: r.tab })));
  const [handled, setHandled] = useState(request.n);
  if (request.n !== handled) {
    setHandled(request.n);
    const asked = TABS.find((x) => x.id === request.tab);
    if (asked) setTabState(asked.id);
  }
  const setTab = (t: Tab) => {
    setTabState(t);
    try {
      globalThis.localStorage?.setItem(TAB_KEY, t);
    } catch {
      // not remembered
    }
    if (useStudio.getState().dock.collapsed) useStudio.getState().setDock({ collapsed: false });
  };
  return (
    <div className="bottom-panels" data-testid="bottom-panels">
      <div className="panel-tabs" role="tablist" aria-label="Run panels">
        {TABS.map((t) => (
          <button
            key={t.id}
            type="button"
            role="tab"
            id={`panel-tab-${t.id}`}
            aria-selected={tab === t.id}
            aria-controls="panel-body"
            data-testid={`panel-tab-${t.id}`}
            className="panel-tab"
            onClick={() => setTab(t.id)}
          >
            {t.label}
            {t.id === 'dead-letters' && deadLettered > 0 && (
              <span className="panel-tab__count">{deadLettered.toLocaleString('en')}</span>
            )}
            {t.id === 'invariants' && violated > 0 && (
              <span className="panel-tab__count" aria-label={`${violated} violated`} data-testid="invariants-violated-count">
                {violated}
              </span>
            )}
          </button>
        ))}
      </div>
      {!collapsed && (
        <div className="panel-body" id="panel-body" role="tabpanel" aria-labelledby={`panel-tab-${tab}`}>
          {errors && errors.length > 0 && (
            <div className="panel-errors" role="alert">
              <strong>The run could not start:</strong>
              <ul>
                {errors.map((e) => (
                  <li key={e}>{e}</li>
                ))}
              </ul>
            </div>
          )}
          {tab === 'throughput' && <ThroughputPanel />}
          {tab === 'trace' && <TracePanel />}
          {tab === 'dead-letters' && <DeadLetterPanel />}
          {tab === 'invariants' && <InvariantsPanel />}
          {tab === 'audit' && <AuditPanel />}
          {tab === 'event-store' && <EventStorePanel />}
          {tab === 'read-models' && <ReadModelPanel />}
          {tab === 'sagas' && <SagaPanel />}
        </div>
      )}
    </div>
  );
}
