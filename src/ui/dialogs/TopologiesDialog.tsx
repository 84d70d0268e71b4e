/** "My topologies": the topologies saved in this browser — open, rename, duplicate, delete. */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { topologiesKey, topologiesListOptions } from '../../queries/topologiesOptions';
import { setMeta } from '../../state/graphEdits';
import { useStudio } from '../../state/studioStore';
import { deleteTopology, duplicateTopology, renameTopology, type TopologySummary } from '../../storage/topologies';
import { newTopology, openSaved } from '../files/documents';
import { Icon } from '../shell/Icon';
import { Modal } from '../shell/Modal';

function ago(ms: number): string {
  const s = Math.max(0, Math.round((Date.now() - ms) / 1000));
  if (s < 60) return 'just now';
  if (s < 3600) return `${Math.round(s / 60)} min ago`;
  if (s < 86400) return `${Math.round(s / 3600)} h ago`;
  return new Date(ms).toLocaleDateString();
}

function Row({ item, isOpen, onOpen }: { item: TopologySummary; isOpen: boolean; onOpen(): void }) {
  const qc = useQueryClient();
  const [renaming, setRenaming] = useState<string | null>(null);
  const [confirming, setConfirming] = useState(false);
  const invalidate = () => qc.invalidateQueries({ queryKey: topologiesKey });
  const rename = useMutation({
    mutationFn: async (name: string) => {
      // The open topology is renamed through the editor, so that autosave does not write the old name back.
      if (useStudio.getState().doc.id === item.id) useStudio.getState().edit((t) => setMeta(t, { name }));
      await renameTopology(item.id, name);
    },
    onSuccess: invalidate,
  });
  const duplicate = useMutation({ mutationFn: () => duplicateTopology(item.id), onSuccess: invalidate });
  const remove = useMutation({
    mutationFn: async () => {
      await deleteTopology(item.id);
      if (useStudio.getState().doc.id === item.id) newTopology();
    },
    onSuccess: invalidate,
  });
  const commitRename = () => {
    const name = renaming?.trim();
    setRenaming(null);
    if (name && name !== item.name) rename.mutate(name);
  };

  return (
    <li className={`saved ${isOpen ? 'is-open' : ''}`} data-saved-id={item.id}>
      <div className="saved__main">
        {renaming !== null ? (
          <input
            className="input"
            value={renaming}
            aria-label={`New name for ${item.name}`}
            autoFocus
            maxLength={200}
            onChange={(e) => setRenaming(e.target.value)}
            onBlur={commitRename}
            onKeyDown={(e) => {
              if (e.key === 'Enter') commitRename();
              if (e.key === 'Escape') {
                e.stopPropagation();
                e.preventDefault();
                setRenaming(null);
              }
            }}
          />
        ) : (
          <button type="button" className="saved__name" onClick={onOpen} aria-label={`Open ${item.name}`}>
            {item.name}
            {isOpen && <span className="pill">open</span>}
          </button>
        )}
        <span className="saved__meta">
          {item.nodeCount} nodes · {item.edgeCount} connections · saved {ago(item.updatedAt)}
        </span>
      </div>
      <div className="saved__actions">
        <button type="button" className="icon-button" onClick={() => setRenaming(item.name)} aria-label={`Rename ${item.name}`} title="Rename">
          <Icon name="pencil" />
        </button>
        <button type="button" className="icon-button" onClick={() => duplicate.mutate()} aria-label={`Duplicate ${item.name}`} title="Duplicate">
          <Icon name="copy" />
        </button>
        {confirming ? (
          <button type="button" className="button button--danger button--small" onClick={() => remove.mutate()} onBlur={() => setConfirming(false)} autoFocus>
            Delete for good
          </button>
        ) : (
          <button type="button" className="icon-button icon-button--danger" onClick={() => setConfirming(true)} aria-label={`Delete ${item.name}`} title="Delete">
            <Icon name="trash" />
          </button>
        )}
      </div>
    </li>
  );
}

export function TopologiesDialog({ onClose }: { onClose(): void }) {
  const { data, isPending, error } = useQuery(topologiesListOptions());
  const openId = useStudio((s) => s.doc.id);
  return (
    <Modal title="My topologies" subtitle="Saved in this browser as you edit. Export a file to keep or share one elsewhere." onClose={onClose} wide testId="topologies-dialog">
      {isPending && <p className="inspector__muted">Loading…</p>}
      {error && <p className="inspector__muted">Saved topologies could not be read ({String(error.message)}).</p>}
      {data && data.length === 0 && <p className="inspector__muted">Nothing saved yet. Topologies are saved here automatically once you edit them.</p>}
      <ul className="saved-list">
        {data?.map((item) => (
          <Row
            key={item.id}
            item={item}
            isOpen={item.id === openId}
            onOpen={() => {
              void openSaved(item.id).then((ok) => ok && onClose());
            }}
          />
        ))}
      </ul>
    </Modal>
  );
}
