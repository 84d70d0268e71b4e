/**
 * Autosave: the open topology is written to IndexedDB shortly after every edit, and remembered as the
 * last open one, so a reload brings it back. A topology opened from a file, an example or a link is saved
 * at once (an example that is still unchanged reuses its earlier copy); a blank new one only once it is
 * edited, so that New and first visits do not fill My topologies with empty copies.
 */
import type { QueryClient } from '@tanstack/react-query';
import type { StudioState } from '../../state/studioStore';
import { useStudio } from '../../state/studioStore';
import { createTopology, findUnchanged, saveTopology, setLastOpenId } from '../../storage/topologies';
import { topologiesKey } from '../../queries/topologiesOptions';

const DELAY_MS = 400;

/** Source of a blank topology (File → New, or a first visit): not saved until edited. */
export const BLANK_SOURCE = 'new';

/** Starts autosaving; returns a function that stops it (flushing what is pending). */
export function startAutosave(queryClient: QueryClient): () => void {
  let timer: ReturnType<typeof setTimeout> | null = null;
  let chain: Promise<void> = Promise.resolve();

  const save = async () => {
    const s = useStudio.getState();
    const { topology, doc, revision } = s;
    s.setSaveState('saving');
    try {
      let id = doc.id;
      if (id === null) {
        const reuse = doc.source.startsWith('example:') ? await findUnchanged(doc.source, topology) : undefined;
        id = (reuse ?? (await createTopology(topology, { source: doc.source }))).id;
        // Only claim the id if the same document is still open.
        if (useStudio.getState().doc === doc) useStudio.getState().setDocId(id);
        if (reuse && useStudio.getState().topology !== topology) await saveTopology(id, useStudio.getState().topology);
      } else {
        await saveTopology(id, topology);
      }
      await setLastOpenId(id);
      useStudio.getState().setSaveState('saved', revision);
      void queryClient.invalidateQueries({ queryKey: topologiesKey });
    } catch (err) {
      console.warn('autosave failed', err);
      useStudio.getState().setSaveState('error');
    }
  };

  const flush = () => {
    if (timer) clearTimeout(timer);
    timer = null;
    chain = chain.then(save);
    return chain;
  };

  const schedule = () => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(flush, DELAY_MS);
  };

  const onChange = (s: StudioState, prev: StudioState) => {
    if (s.doc !== prev.doc) {
      const claimedId = prev.doc.id === null && s.doc.id !== null && s.doc.source === prev.doc.source && s.topology === prev.topology;
      if (claimedId) return;
      if (s.doc.id !== null) {
        // An already saved topology was opened: only remember that it is the open one.
        const id = s.doc.id;
        s.setSaveState('saved', s.revision);
        chain = chain.then(() => setLastOpenId(id)).catch(() => undefined);
        return;
      }
      if (s.doc.source !== BLANK_SOURCE) schedule();
      else s.setSaveState('idle', s.revision);
      return;
    }
    if (s.topology !== prev.topology) schedule();
  };

  const unsubscribe = useStudio.subscribe(onChange);
  const onHide = () => {
    if (timer) void flush();
  };
  const onVisibility = () => {
    if (document.visibilityState === 'hidden') onHide();
  };
  document.addEventListener('visibilitychange', onVisibility);
  window.addEventListener('pagehide', onHide);
  return () => {
    unsubscribe();
    document.removeEventListener('visibilitychange', onVisibility);
    window.removeEventListener('pagehide', onHide);
    if (timer) void flush();
  };
}
