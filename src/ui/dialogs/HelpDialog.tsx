/** The keyboard shortcuts (`?`). */
import { Modal } from '../shell/Modal';
import { displayKey, SHORTCUTS } from '../shortcuts';

export function HelpDialog({ onClose }: { onClose(): void }) {
  const groups = [...new Set(SHORTCUTS.map((s) => s.group))];
  return (
    <Modal title="Keyboard shortcuts" subtitle="Shortcuts work when no text field has the focus." onClose={onClose} wide testId="help-dialog">
      <div className="shortcuts">
        {groups.map((g) => (
          <section key={g} className="shortcuts__group">
            <h3 className="shortcuts__title">{g}</h3>
            <dl className="shortcuts__list">
              {SHORTCUTS.filter((s) => s.group === g).map((s) => (
                <div key={s.description} className="shortcuts__row">
                  <dt>
                    {s.keys.map((k, i) => (
                      <span key={k}>
                        {i > 0 && <span className="shortcuts__or"> or </span>}
                        <kbd>{displayKey(k)}</kbd>
                      </span>
                    ))}
                  </dt>
                  <dd>{s.description}</dd>
                </div>
              ))}
            </dl>
          </section>
        ))}
      </div>
    </Modal>
  );
}
