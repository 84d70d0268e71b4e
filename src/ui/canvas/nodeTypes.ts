/**
 * Node and edge types of the canvas, defined once at module level (React Flow re-mounts every node when
 * these objects change identity). One node view per family, plus one for kinds the catalog does not know.
 */
import type { EdgeTypes, NodeTypes } from '@xyflow/react';
import { FAMILIES } from '../../model/catalog';
import { MessageEdge } from './edges/MessageEdge';
import { makeFamilyNode } from './nodes/PatternNode';

export const nodeTypes: NodeTypes = {
  ...Object.fromEntries(FAMILIES.map((f) => [f.id, makeFamilyNode(f.id)])),
  unknown: makeFamilyNode('unknown'),
};

export const edgeTypes: EdgeTypes = { message: MessageEdge };
