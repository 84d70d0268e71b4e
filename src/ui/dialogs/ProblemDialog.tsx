/**
 * Why a file, link or paste was refused: every error with its code, path and node, formatted exactly as
 * the headless runner prints it. The open topology was left as it was.
 */
import { formatError } from '../../model/errors';
import type { ProblemReport } from '../../state/slices/panels';
import { Modal } from '../shell/Modal';

const MAX_SHOWN = 200;

export function ProblemDialog({ problem, onClose }: { problem: ProblemReport; onClose(): void }) {
  const shown = problem.errors.slice(0, MAX_SHOWN);
  return (
    <Modal
      title={problem.title}
      subtitle={`${problem.errors.length} error${problem.errors.length === 1 ? '' : 's'}. Nothing was changed: the open topology is as it was.`}
      onClose={onClose}
      wide
      tone="danger"
      testId="problem-dialog"
      footer={
        <button type="button" className="button button--primary" onClick={onClose} autoFocus>
          OK
        </button>
      }
    >
      <ul className="error-list" aria-label="Errors">
        {shown.map((e, i) => (
          <li key={i} className="error-list__item">
            <span className="error-list__code">{e.code}</span>
            <span className="error-list__text">{formatError(e, problem.source)}</span>
          </li>
        ))}
      </ul>
      {problem.errors.length > MAX_SHOWN && <p className="inspector__muted">…and {problem.errors.length - MAX_SHOWN} more.</p>}
      <p className="modal__note">
        Error codes are explained in <code>docs/topology-format.md</code>.
      </p>
    </Modal>
  );
}
