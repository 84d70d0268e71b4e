/** What an empty canvas says: how to start. */
import { useStudio } from '../../state/studioStore';

export function EmptyCanvas() {
  const openDialog = useStudio((s) => s.openDialog);
  return (
    <div className="empty-canvas">
      <div className="empty-canvas__card">
        <h2>Start a topology</h2>
        <p>Drag a pattern from the palette onto the canvas, or press Enter on one to add it here. Connect an output (right) to an input (left).</p>
        <div className="empty-canvas__actions">
          <button type="button" className="button button--primary" onClick={() => openDialog('examples')}>
            Browse examples
          </button>
          <button type="button" className="button" onClick={() => openDialog('help')}>
            Keyboard shortcuts
          </button>
        </div>
        <p className="empty-canvas__hint">You can also drop a .json topology file here.</p>
      </div>
    </div>
  );
}
