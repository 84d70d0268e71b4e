/**
 * The bottom dock's content: tabs for the throughput, trace and dead-letter panels. Only the open tab is
 * mounted, and nothing but the tabs while the dock is collapsed, so a hidden panel costs nothing while
 * the run streams frames. (The dock itself — resizing, the collapse toggle — is the editor's BottomDock.)
 */
import { useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { useFrames } from '../../state/frameStore';
import { useStudio } from '../../state/studioStore';
import { installBenchHooks } from './benchHooks';
import { DeadLetterPanel } from './DeadLetterPanel';
import { EventStorePanel } from './eventsourcing/EventStorePanel';
import { ReadModelPanel } from './eventsourcing/ReadModelPanel';
import { SagaPanel } from './eventsourcing/SagaPanel';
import { ThroughputPanel } from './ThroughputPanel';
import { TracePanel } from './trace/TracePanel';
import './panels.css';

installBenchHooks();

type Tab = 'throughput' | 'trace' | 'dead-letters' | 'event-store' | 'read-models' | 'sagas';
const TABS: { id: Tab; label: string }[] = [
  { id: 'throughput', label: 'Throughput' },
  { id: 'trace', label: 'Trace' },
  { id: 'dead-letters', label: 'Dead letters' },
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

const selectDeadLettered = (s: { frame: { totals: { deadLettered: number } } | null }) =>
  s.frame?.totals.deadLettered ?? 0;

export function BottomPanels() {
  const [tab, setTabState] = useState<Tab>(initialTab);
  const { collapsed, errors } = useStudio(
    useShallow((s) => ({ collapsed: s.dock.collapsed, errors: s.runErrors })),
  );
  const deadLettered = useFrames(selectDeadLettered);
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
          {tab === 'event-store' && <EventStorePanel />}
          {tab === 'read-models' && <ReadModelPanel />}
          {tab === 'sagas' && <SagaPanel />}
        </div>
      )}
    </div>
  );
}
