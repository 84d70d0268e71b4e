/**
 * The top bar: the document (name, save state, problems), file actions, undo/redo and layout, the run
 * controls (run work) on the right, then view settings and help.
 */
import { useShallow } from 'zustand/react/shallow';
import { selectCanRedo, selectCanUndo, selectErrorCount } from '../../state/selectors';
import { useStudio } from '../../state/studioStore';
import { Icon, type IconName } from '../shell/Icon';
import { displayKey } from '../shortcuts';
import { FileMenu } from './FileMenu';
import { RunControls } from './RunControls';

function ToolButton({ icon, label, onClick, disabled, shortcut, text, pressed }: { icon: IconName; label: string; onClick(): void; disabled?: boolean; shortcut?: string; text?: string; pressed?: boolean }) {
  return (
    <button
      type="button"
      className={`tool ${text ? 'tool--text' : ''} ${pressed ? 'is-pressed' : ''}`}
      onClick={onClick}
      disabled={disabled}
      aria-label={label}
      aria-pressed={pressed}
      title={shortcut ? `${label} (${displayKey(shortcut)})` : label}
    >
      <Icon name={icon} />
      {text && <span>{text}</span>}
    </button>
  );
}

const SAVE_TEXT = { idle: 'Not saved yet', saving: 'Saving…', saved: 'Saved', error: 'Not saved — storage unavailable' } as const;

export function Toolbar({ onOpenFile }: { onOpenFile(): void }) {
  const s = useStudio(
    useShallow((st) => ({
      name: st.topology.name,
      saveState: st.saveState,
      pending: st.revision !== st.savedRevision,
      canUndo: selectCanUndo(st),
      canRedo: selectCanRedo(st),
      errorCount: selectErrorCount(st),
      theme: st.theme,
      largeText: st.largeText,
    })),
  );
  const store = useStudio.getState;

  return (
    <header className="toolbar" role="toolbar" aria-label="Studio toolbar">
      <FileMenu onOpenFile={onOpenFile} />
      <div className="toolbar__doc">
        <button type="button" className="toolbar__name" onClick={() => store().clearSelection()} aria-label={`Topology settings: ${s.name}`} title="Topology name, description and simulation settings">
          {s.name}
        </button>
        <span className={`save-state save-state--${s.saveState}`} data-testid="save-state" data-state={s.saveState} data-pending={s.pending} aria-live="polite" title={SAVE_TEXT[s.saveState]}>
          {s.saveState === 'saved' && <Icon name="check" size={12} />}
          {s.saveState === 'error' && <Icon name="alert" size={12} />}
          <span className="save-state__text">{SAVE_TEXT[s.saveState]}</span>
        </span>
        {s.errorCount > 0 && (
          <button type="button" className="problem-chip" onClick={() => store().clearSelection()} aria-label={`${s.errorCount} problems: show them`} data-testid="problem-chip">
            <Icon name="alert" size={12} />
            {s.errorCount} {s.errorCount === 1 ? 'problem' : 'problems'}
          </button>
        )}
      </div>
      <div className="toolbar__group" role="group" aria-label="Edit">
        <ToolButton icon="undo" label="Undo" onClick={() => store().undo()} disabled={!s.canUndo} shortcut="Mod+Z" />
        <ToolButton icon="redo" label="Redo" onClick={() => store().redo()} disabled={!s.canRedo} shortcut="Shift+Mod+Z" />
      </div>
      <div className="toolbar__run">
        <RunControls />
      </div>
      <div className="toolbar__group" role="group" aria-label="View">
        <ToolButton
          icon={s.theme === 'dark' ? 'sun' : 'moon'}
          label={s.theme === 'dark' ? 'Switch to the light theme' : 'Switch to the dark theme'}
          onClick={() => store().setTheme(s.theme === 'dark' ? 'light' : 'dark')}
        />
        <ToolButton icon="text" label="Large text (for projectors)" pressed={s.largeText} onClick={() => store().setLargeText(!s.largeText)} />
        <ToolButton icon="help" label="Keyboard shortcuts" onClick={() => store().openDialog('help')} shortcut="?" />
      </div>
    </header>
  );
}
