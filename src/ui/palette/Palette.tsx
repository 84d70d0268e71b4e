/**
 * The palette: every kind of the catalog, grouped by family, searchable, one line each. Drag an item onto
 * the canvas, or click it (Enter when focused) to add it in the middle of the visible canvas.
 */
import { useReactFlow } from '@xyflow/react';
import { useDeferredValue, useId, useMemo, useState, type DragEvent } from 'react';
import { catalogEntries, FAMILIES, type CatalogEntry } from '../../model/catalog';
import { useStudio } from '../../state/studioStore';
import { KIND_DRAG_TYPE } from '../canvas/Canvas';
import { centrePosition } from '../canvas/canvasActions';
import { PatternIcon } from '../canvas/PatternIcon';
import { Icon } from '../shell/Icon';

function matches(entry: CatalogEntry, q: string): boolean {
  if (!q) return true;
  const hay = `${entry.title} ${entry.kind} ${entry.summary} ${entry.family}`.toLowerCase();
  return q
    .toLowerCase()
    .split(/\s+/)
    .filter(Boolean)
    .every((w) => hay.includes(w));
}

export function Palette() {
  const [query, setQuery] = useState('');
  const q = useDeferredValue(query);
  const rf = useReactFlow();
  const searchId = useId();
  const groups = useMemo(() => {
    const entries = catalogEntries().filter((e) => matches(e, q.trim()));
    return FAMILIES.map((f) => ({ ...f, entries: entries.filter((e) => e.family === f.id) })).filter((g) => g.entries.length > 0);
  }, [q]);

  const add = (kind: string, title: string) => {
    useStudio.getState().addNodeAt(kind, centrePosition(rf));
    useStudio.getState().toast(`Added ${title}`);
  };

  const onDragStart = (e: DragEvent, kind: string) => {
    e.dataTransfer.setData(KIND_DRAG_TYPE, kind);
    e.dataTransfer.setData('text/plain', kind);
    e.dataTransfer.effectAllowed = 'move';
  };

  return (
    <aside className="sidebar palette" aria-label="Palette">
      <div className="sidebar__header">
        <h2 className="sidebar__title">Patterns</h2>
        <span className="sidebar__count">{catalogEntries().length}</span>
      </div>
      <div className="search">
        <Icon name="search" size={14} />
        <label htmlFor={searchId} className="visually-hidden">
          Search patterns
        </label>
        <input
          id={searchId}
          type="search"
          placeholder="Search patterns"
          value={query}
          onChange={(e) => setQuery(e.target.value)}
          aria-label="Search patterns"
          autoComplete="off"
          spellCheck={false}
        />
      </div>
      <div className="palette__groups" role="list" aria-label="Pattern kinds">
        {groups.length === 0 && <p className="palette__empty">No pattern matches “{query}”.</p>}
        {groups.map((g) => (
          <section key={g.id} className="palette__group" aria-labelledby={`palette-${g.id}`} role="listitem">
            <h3 id={`palette-${g.id}`} className={`palette__family palette__family--${g.id}`}>
              {g.title}
            </h3>
            <ul className="palette__list">
              {g.entries.map((e) => (
                <li key={e.kind}>
                  <button
                    type="button"
                    className={`palette-item palette-item--${e.family}`}
                    draggable
                    onDragStart={(ev) => onDragStart(ev, e.kind)}
                    onClick={() => add(e.kind, e.title)}
                    aria-label={`Add ${e.title}: ${e.summary}`}
                    title={`${e.summary}\nDrag onto the canvas, or press Enter to add it in the middle.`}
                    data-kind={e.kind}
                  >
                    <span className="palette-item__icon">
                      <PatternIcon kind={e.kind} family={e.family} size={16} />
                    </span>
                    <span className="palette-item__text">
                      <span className="palette-item__title">{e.title}</span>
                      <span className="palette-item__summary">{e.summary}</span>
                    </span>
                  </button>
                </li>
              ))}
            </ul>
          </section>
        ))}
      </div>
    </aside>
  );
}
