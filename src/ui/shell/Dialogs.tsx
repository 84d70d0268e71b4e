/** Renders whichever dialog is open, and the problem report of a refused file or link. */
import { useStudio } from '../../state/studioStore';
import { ExamplesDialog } from '../dialogs/ExamplesDialog';
import { HelpDialog } from '../dialogs/HelpDialog';
import { ProblemDialog } from '../dialogs/ProblemDialog';
import { ShareDialog } from '../dialogs/ShareDialog';
import { TopologiesDialog } from '../dialogs/TopologiesDialog';

export function Dialogs() {
  const dialog = useStudio((s) => s.dialog);
  const problem = useStudio((s) => s.problem);
  const close = useStudio((s) => s.closeDialog);
  const clearProblem = useStudio((s) => s.clearProblem);
  return (
    <>
      {dialog === 'help' && <HelpDialog onClose={close} />}
      {dialog === 'examples' && <ExamplesDialog onClose={close} />}
      {dialog === 'topologies' && <TopologiesDialog onClose={close} />}
      {dialog === 'share' && <ShareDialog onClose={close} />}
      {problem && <ProblemDialog key={problem.title + problem.errors.length} problem={problem} onClose={clearProblem} />}
    </>
  );
}
