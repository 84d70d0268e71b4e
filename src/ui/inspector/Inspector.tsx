/** The right-hand inspector: follows the selection (a node, an edge, several, or the topology itself). */
import { parseInspectorKey, selectInspectorKey } from '../../state/selectors';
import { useStudio } from '../../state/studioStore';
import { EdgeInspector } from './EdgeInspector';
import { NodeInspector } from './NodeInspector';
import { MultiInspector, TopologyInspector } from './TopologyInspector';

export function Inspector() {
  const key = useStudio(selectInspectorKey);
  const target = parseInspectorKey(key);
  return (
    <aside className="sidebar inspector" aria-label="Inspector">
      {target.type === 'node' && <NodeInspector key={key} id={target.id} />}
      {target.type === 'edge' && <EdgeInspector key={key} id={target.id} />}
      {target.type === 'many' && <MultiInspector nodes={target.nodes} edges={target.edges} />}
      {target.type === 'topology' && <TopologyInspector />}
    </aside>
  );
}
