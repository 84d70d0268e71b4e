/**
 * The file menu (behind the studio's logo): New, Open, Export, Share link, Examples, My topologies.
 * A WAI-ARIA menu button: arrow keys move, Enter picks, Escape closes and returns the focus.
 */
import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import { useStudio } from '../../state/studioStore';
import { exportTopology, newTopology } from '../files/documents';
import { Icon, type IconName } from '../shell/Icon';
import { displayKey } from '../shortcuts';

interface Item {
  label: string;
  icon: IconName;
  shortcut?: string;
  run(): void;
}

export function FileMenu({ onOpenFile }: { onOpenFile(): void }) {
  const [open, setOpen] = useState(false);
  const button = useRef<HTMLButtonElement>(null);
  const menu = useRef<HTMLDivElement>(null);
  const items: Item[] = [
    { label: 'New topology', icon: 'file', run: newTopology },
    { label: 'Open file…', icon: 'open', shortcut: 'Mod+O', run: onOpenFile },
    { label: 'Export as file', icon: 'download', shortcut: 'Shift+Mod+E', run: exportTopology },
    { label: 'Share link…', icon: 'share', run: () => useStudio.getState().openDialog('share') },
    { label: 'Examples…', icon: 'book', run: () => useStudio.getState().openDialog('examples') },
    { label: 'My topologies…', icon: 'folder', run: () => useStudio.getState().openDialog('topologies') },
  ];

  useEffect(() => {
    if (!open) return;
    menu.current?.querySelector<HTMLButtonElement>('[role=menuitem]')?.focus();
    const onDown = (e: PointerEvent) => {
      if (!menu.current?.contains(e.target as Node) && !button.current?.contains(e.target as Node)) setOpen(false);
    };
    document.addEventListener('pointerdown', onDown);
    return () => document.removeEventListener('pointerdown', onDown);
  }, [open]);

  const onMenuKey = (e: KeyboardEvent) => {
    const all = [...(menu.current?.querySelectorAll<HTMLButtonElement>('[role=menuitem]') ?? [])];
    const i = all.indexOf(document.activeElement as HTMLButtonElement);
    if (e.key === 'ArrowDown') all[(i + 1) % all.length]?.focus();
    else if (e.key === 'ArrowUp') all[(i - 1 + all.length) % all.length]?.focus();
    else if (e.key === 'Home') all[0]?.focus();
    else if (e.key === 'End') all[all.length - 1]?.focus();
    else if (e.key === 'Escape' || e.key === 'Tab') {
      setOpen(false);
      if (e.key === 'Escape') button.current?.focus();
    } else return;
    e.preventDefault();
    e.stopPropagation();
  };

  return (
    <div className="menu-anchor">
      <button
        ref={button}
        type="button"
        className={`tool tool--menu ${open ? 'is-pressed' : ''}`}
        aria-haspopup="menu"
        aria-expanded={open}
        aria-controls="file-menu"
        aria-label="File menu"
        title="File menu"
        onClick={() => setOpen((o) => !o)}
        onKeyDown={(e) => {
          if (e.key === 'ArrowDown') {
            e.preventDefault();
            setOpen(true);
          }
        }}
      >
        <svg width="22" height="22" viewBox="0 0 32 32" aria-hidden="true">
          <rect width="32" height="32" rx="8" fill="var(--accent)" />
          <circle cx="9" cy="16" r="3.5" fill="var(--accent-text)" />
          <rect x="19.5" y="8" width="7" height="7" rx="2" fill="var(--accent-text)" />
          <rect x="19.5" y="17" width="7" height="7" rx="2" fill="var(--accent-text)" opacity=".7" />
          <path d="M12.5 16h3.5m0 0-.5-4.5h3.5M16 16l-.5 4.5h3.5" stroke="var(--accent-text)" strokeWidth="2" fill="none" strokeLinecap="round" strokeLinejoin="round" />
        </svg>
        <Icon name="down" size={12} />
      </button>
      {open && (
        <div ref={menu} id="file-menu" className="menu" role="menu" aria-label="File" onKeyDown={onMenuKey}>
          {items.map((it, i) => (
            <button
              key={it.label}
              type="button"
              role="menuitem"
              className={`menu__item ${i === 4 ? 'menu__item--separated' : ''}`}
              tabIndex={-1}
              onClick={() => {
                setOpen(false);
                it.run();
              }}
            >
              <Icon name={it.icon} size={15} />
              <span className="menu__label">{it.label}</span>
              {it.shortcut && <kbd className="menu__kbd">{displayKey(it.shortcut)}</kbd>}
            </button>
          ))}
        </div>
      )}
    </div>
  );
}
