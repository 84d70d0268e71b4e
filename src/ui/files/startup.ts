/**
 * What the studio opens when it starts, in order: a share link (`#t=…`), an example (`?example=<name>`),
 * else the topology that was open last. `?run=1` then starts the run. The parameters are removed from the
 * address afterwards, so a reload restores the autosaved topology rather than opening the link again.
 * A link or example that is refused shows its errors, and the last open topology is restored underneath.
 */
import { shareData } from '../../state/shareLink';
import { useStudio } from '../../state/studioStore';
import { getLastOpenId } from '../../storage/topologies';
import { BLANK_SOURCE } from './autosave';
import { openExample, openSaved, openShareLink } from './documents';

let started: Promise<void> | null = null;

async function restoreLast(): Promise<void> {
  try {
    const id = await getLastOpenId();
    if (id && (await openSaved(id))) return;
  } catch (err) {
    console.warn('could not read saved topologies', err);
  }
  const s = useStudio.getState();
  s.loadTopology(s.topology, { id: null, source: BLANK_SOURCE });
}

async function run(): Promise<void> {
  const url = new URL(window.location.href);
  const example = url.searchParams.get('example');
  const wantsRun = url.searchParams.get('run') === '1';
  const hasLink = shareData(url.hash) !== null;

  if (hasLink || example !== null || wantsRun) {
    const clean = new URL(url);
    clean.searchParams.delete('example');
    clean.searchParams.delete('run');
    if (hasLink) clean.hash = '';
    window.history.replaceState(window.history.state, '', clean.toString());
  }

  let opened = false;
  if (hasLink) opened = openShareLink(url.hash);
  else if (example !== null) opened = await openExample(example);
  if (!opened) await restoreLast();
  useStudio.getState().setReady();
  if (wantsRun) useStudio.getState().startRun();
}

/** Runs the startup sequence once per page (React StrictMode mounts effects twice in development). */
export function startup(): Promise<void> {
  started ??= run();
  return started;
}

/** Opens a share link pasted into the address bar of an open studio. */
export function listenForShareLinks(): () => void {
  const onHash = () => {
    if (shareData(window.location.hash) === null) return;
    const hash = window.location.hash;
    window.history.replaceState(window.history.state, '', window.location.pathname + window.location.search);
    openShareLink(hash);
  };
  window.addEventListener('hashchange', onHash);
  return () => window.removeEventListener('hashchange', onHash);
}
