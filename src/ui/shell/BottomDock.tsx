/**
 * The dock under the canvas that holds the run panels (throughput, trace, dead letters — BottomPanels is
 * the run work's). Resizable by dragging its top edge (or with the arrow keys on it), collapsible; its size
 * is remembered.
 */
import { useRef, type KeyboardEvent, type PointerEvent, type ReactNode } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { useStudio } from '../../state/studioStore';
import { Icon } from './Icon';

const MIN = 120;
const maxHeight = () => Math.max(MIN, Math.round(window.innerHeight * 0.7));

export function BottomDock({ children }: { children: ReactNode }) {
  const { dock, setDock } = useStudio(useShallow((s) => ({ dock: s.dock, setDock: s.setDock })));
  const drag = useRef<{ y: number; h: number } | null>(null);

  const onPointerDown = (e: PointerEvent<HTMLDivElement>) => {
    if (dock.collapsed) return;
    drag.current = { y: e.clientY, h: dock.height };
    e.currentTarget.setPointerCapture(e.pointerId);
  };
  const onPointerMove = (e: PointerEvent<HTMLDivElement>) => {
    if (!drag.current) return;
    const h = Math.min(maxHeight(), Math.max(MIN, drag.current.h + drag.current.y - e.clientY));
    setDock({ height: h });
  };
  const onPointerUp = () => {
    drag.current = null;
  };
  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key === 'ArrowUp' || e.key === 'ArrowDown') {
      e.preventDefault();
      const step = e.shiftKey ? 64 : 16;
      setDock({ height: Math.min(maxHeight(), Math.max(MIN, dock.height + (e.key === 'ArrowUp' ? step : -step))) });
    }
  };

  return (
    <section className={`dock ${dock.collapsed ? 'is-collapsed' : ''}`} style={{ height: dock.collapsed ? undefined : dock.height }} aria-label="Run panels">
      <div
        className="dock__resizer"
        role="separator"
        aria-orientation="horizontal"
        aria-label="Resize the run panels"
        aria-valuenow={dock.height}
        aria-valuemin={MIN}
        aria-valuemax={maxHeight()}
        tabIndex={dock.collapsed ? -1 : 0}
        onPointerDown={onPointerDown}
        onPointerMove={onPointerMove}
        onPointerUp={onPointerUp}
        onPointerCancel={onPointerUp}
        onKeyDown={onKeyDown}
      />
      <button
        type="button"
        className="dock__toggle icon-button icon-button--small"
        onClick={() => setDock({ collapsed: !dock.collapsed })}
        aria-label={dock.collapsed ? 'Show the run panels' : 'Hide the run panels'}
        aria-expanded={!dock.collapsed}
        title={dock.collapsed ? 'Show the run panels' : 'Hide the run panels'}
      >
        <Icon name={dock.collapsed ? 'up' : 'down'} size={14} />
      </button>
      {/* The content stays mounted when collapsed: it decides what it still shows (its tabs). */}
      <div className="dock__content">{children}</div>
    </section>
  );
}
