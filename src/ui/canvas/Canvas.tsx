/**
 * The canvas: React Flow, controlled by the store. Pan, zoom, minimap, snap to a 16 px grid, fit view;
 * drop a palette item or a .json file onto it; connecting is checked against the model (refused
 * connections say why, near the top of the canvas).
 */
import {
  Background,
  BackgroundVariant,
  ControlButton,
  Controls,
  MiniMap,
  Panel,
  ReactFlow,
  useReactFlow,
  type Connection,
  type Edge,
  type EdgeChange,
  type FinalConnectionState,
  type IsValidConnection,
  type Node,
  type NodeChange,
  type OnConnectEnd,
} from '@xyflow/react';
import { useCallback, useEffect, useMemo, useRef, useState, type DragEvent } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { getCatalogEntry } from '../../model/catalog';
import { connectionProblem, moveNodes, type ConnectionRequest, type XY } from '../../state/graphEdits';
import type { NodeSize } from '../../state/slices/graph';
import { useStudio } from '../../state/studioStore';
import { isJsonFile, openFile } from '../files/documents';
import { Icon } from '../shell/Icon';
import { autoLayout } from './autoLayout';
import { EmptyCanvas } from './EmptyCanvas';
import { toFlowEdges, toFlowNodes } from './flowElements';
import { edgeTypes, nodeTypes } from './nodeTypes';

/** How much large-text mode zooms the canvas. */
const LARGE_ZOOM = 1.3;

/** The drag-and-drop type of a palette item (its data is the kind). */
export const KIND_DRAG_TYPE = 'application/x-messaging-studio-kind';

const toRequest = (c: Connection | Edge): ConnectionRequest => ({
  source: c.source,
  sourcePort: c.sourceHandle,
  target: c.target,
  targetPort: c.targetHandle,
});

const isValidConnection: IsValidConnection = (c) => connectionProblem(useStudio.getState().topology, toRequest(c)) === null;

/** Why the connection that just ended was refused. */
function refusalReason(state: FinalConnectionState): string | null {
  if (state.isValid !== false || !state.fromHandle || !state.toHandle) return null;
  const from = state.fromHandle;
  const to = state.toHandle;
  if (from.type === to.type) {
    return from.type === 'target'
      ? 'two inputs cannot be connected: drag from an output (right side of a node) to an input (left side)'
      : 'two outputs cannot be connected: drag from an output (right side of a node) to an input (left side)';
  }
  const [src, tgt] = from.type === 'source' ? [from, to] : [to, from];
  return (
    connectionProblem(useStudio.getState().topology, { source: src.nodeId, sourcePort: src.id, target: tgt.nodeId, targetPort: tgt.id }) ??
    'this connection is not allowed'
  );
}

const miniMapColor = (n: Node) => `var(--family-${n.type ?? 'unknown'})`;

export function Canvas() {
  const { topology, selectedNodeIds, selectedEdgeIds, nodeSizes, theme, loadCount, largeText } = useStudio(
    useShallow((s) => ({
      topology: s.topology,
      selectedNodeIds: s.selectedNodeIds,
      selectedEdgeIds: s.selectedEdgeIds,
      nodeSizes: s.nodeSizes,
      theme: s.theme,
      loadCount: s.loadCount,
      largeText: s.largeText,
    })),
  );
  const rf = useReactFlow();
  const nodes = useMemo(() => toFlowNodes(topology, new Set(selectedNodeIds), nodeSizes), [topology, selectedNodeIds, nodeSizes]);
  const edges = useMemo(() => toFlowEdges(topology, new Set(selectedEdgeIds)), [topology, selectedEdgeIds]);
  const [notice, setNotice] = useState<{ text: string; id: number } | null>(null);
  const noticeTimer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const [dropping, setDropping] = useState(false);

  const notify = useCallback((text: string) => {
    if (noticeTimer.current) clearTimeout(noticeTimer.current);
    setNotice({ text, id: Date.now() });
    noticeTimer.current = setTimeout(() => setNotice(null), 6000);
  }, []);

  // Fit the view whenever another topology is opened.
  useEffect(() => {
    // Only with nodes: React Flow queues a fit of an empty canvas until the first node is added, which
    // would then zoom in on it.
    if (useStudio.getState().topology.nodes.length === 0) return;
    const maxZoom = useStudio.getState().largeText ? 1.25 * LARGE_ZOOM : 1.25;
    const t = setTimeout(() => void rf.fitView({ padding: 0.12, maxZoom }), 30);
    return () => clearTimeout(t);
  }, [loadCount, rf]);

  // Large text zooms the canvas (nodes keep their size in canvas coordinates, so nothing overlaps).
  const largeTextSeen = useRef(largeText);
  useEffect(() => {
    if (largeTextSeen.current === largeText) return;
    largeTextSeen.current = largeText;
    void rf.zoomTo(rf.getZoom() * (largeText ? LARGE_ZOOM : 1 / LARGE_ZOOM), { duration: 200 });
  }, [largeText, rf]);

  const runAutoLayout = useCallback(() => {
    void autoLayout().then((ok) => ok && setTimeout(() => void rf.fitView({ padding: 0.2, duration: 300, maxZoom: 1.25 }), 30));
  }, [rf]);

  const onNodesChange = useCallback((changes: NodeChange[]) => {
    const s = useStudio.getState();
    const positions = new Map<string, XY>();
    const sizes: Record<string, NodeSize> = {};
    let dragEnded = false;
    let selection: Set<string> | null = null;
    for (const c of changes) {
      if (c.type === 'position') {
        if (c.position) positions.set(c.id, { x: Math.round(c.position.x), y: Math.round(c.position.y) });
        if (c.dragging === false) dragEnded = true;
      } else if (c.type === 'select') {
        selection ??= new Set(s.selectedNodeIds);
        if (c.selected) selection.add(c.id);
        else selection.delete(c.id);
      } else if (c.type === 'dimensions' && c.dimensions) {
        const old = s.nodeSizes[c.id];
        if (!old || old.width !== c.dimensions.width || old.height !== c.dimensions.height) sizes[c.id] = c.dimensions;
      }
    }
    if (positions.size) s.edit((t) => moveNodes(t, positions), 'drag');
    if (dragEnded) s.endEditGroup();
    if (Object.keys(sizes).length) s.setNodeSizes(sizes);
    if (selection) s.setSelection([...selection], useStudio.getState().selectedEdgeIds);
  }, []);

  const onEdgesChange = useCallback((changes: EdgeChange[]) => {
    const s = useStudio.getState();
    let selection: Set<string> | null = null;
    for (const c of changes) {
      if (c.type === 'select') {
        selection ??= new Set(s.selectedEdgeIds);
        if (c.selected) selection.add(c.id);
        else selection.delete(c.id);
      }
    }
    if (selection) s.setSelection(useStudio.getState().selectedNodeIds, [...selection]);
  }, []);

  const onConnect = useCallback(
    (c: Connection) => {
      const r = useStudio.getState().connect(toRequest(c));
      if (!r.ok) notify(`Cannot connect: ${r.reason}`);
      else useStudio.getState().setSelection([], [r.id]);
    },
    [notify],
  );

  const onConnectEnd: OnConnectEnd = useCallback(
    (_event, state) => {
      const reason = refusalReason(state);
      if (reason) notify(`Cannot connect: ${reason}`);
    },
    [notify],
  );

  const onDragOver = useCallback((e: DragEvent) => {
    const types = e.dataTransfer.types;
    if (types.includes(KIND_DRAG_TYPE) || types.includes('Files')) {
      e.preventDefault();
      e.dataTransfer.dropEffect = types.includes('Files') ? 'copy' : 'move';
      setDropping(types.includes('Files'));
    }
  }, []);

  const onDrop = useCallback(
    (e: DragEvent) => {
      setDropping(false);
      const kind = e.dataTransfer.getData(KIND_DRAG_TYPE);
      if (kind && getCatalogEntry(kind)) {
        e.preventDefault();
        const p = rf.screenToFlowPosition({ x: e.clientX, y: e.clientY });
        useStudio.getState().addNodeAt(kind, { x: Math.round((p.x - 112) / 16) * 16, y: Math.round((p.y - 40) / 16) * 16 });
        return;
      }
      const file = e.dataTransfer.files[0];
      if (file) {
        e.preventDefault();
        if (!isJsonFile(file)) notify(`“${file.name}” is not a .json topology file`);
        else void openFile(file);
      }
    },
    [rf, notify],
  );

  return (
    <div
      className={`canvas ${dropping ? 'is-dropping' : ''}`}
      data-canvas
      onDragOver={onDragOver}
      onDragLeave={() => setDropping(false)}
      onDrop={onDrop}
      aria-label="Canvas"
      role="region"
    >
      <ReactFlow
        nodes={nodes}
        edges={edges}
        nodeTypes={nodeTypes}
        edgeTypes={edgeTypes}
        onNodesChange={onNodesChange}
        onEdgesChange={onEdgesChange}
        onConnect={onConnect}
        onConnectEnd={onConnectEnd}
        isValidConnection={isValidConnection}
        colorMode={theme}
        snapToGrid
        snapGrid={[16, 16]}
        minZoom={0.15}
        maxZoom={2.5}
        deleteKeyCode={null}
        selectionKeyCode="Shift"
        multiSelectionKeyCode={['Meta', 'Control']}
        connectionRadius={28}
        attributionPosition="top-right"
      >
        <Background variant={BackgroundVariant.Dots} gap={16} size={1.2} className="canvas__grid" />
        {topology.nodes.length > 0 && (
          <MiniMap
            pannable
            zoomable
            nodeColor={miniMapColor}
            nodeStrokeWidth={0}
            nodeBorderRadius={6}
            className="canvas__minimap"
            ariaLabel="Minimap"
            style={{ width: 168, height: 108 }}
          />
        )}
        <Controls className="canvas__controls" showInteractive={false} position="bottom-left" fitViewOptions={{ padding: 0.2, duration: 300, maxZoom: 1.25 }}>
          <ControlButton onClick={runAutoLayout} aria-label="Auto-layout" title="Auto-layout (Shift+L)" disabled={topology.nodes.length === 0}>
            <Icon name="layout" size={14} />
          </ControlButton>
        </Controls>
        {notice && (
          <Panel position="top-center">
            <div className="canvas-notice" role="alert" data-testid="canvas-notice" key={notice.id}>
              <span>{notice.text}</span>
              <button type="button" className="icon-button icon-button--small" aria-label="Dismiss" onClick={() => setNotice(null)}>
                ×
              </button>
            </div>
          </Panel>
        )}
        {topology.nodes.length === 0 && <EmptyCanvas />}
      </ReactFlow>
      {dropping && <div className="canvas__drop-hint">Drop a topology file to open it</div>}
    </div>
  );
}
