/**
 * Opening and saving whole topologies: New, Open (file picker or a file dropped on the canvas), examples,
 * saved topologies, share links and Export. Every way in goes through `validateTopologyText`; a refusal
 * shows the list of errors and leaves the open topology as it was.
 */
import type { ValidationError } from '../../model/errors';
import { LIMITS, emptyTopology, serializeTopology, validateTopologyText, type Topology } from '../../model/topology';
import { decodeShareFragment, encodeShareFragment } from '../../state/shareLink';
import { useStudio } from '../../state/studioStore';
import { getTopology } from '../../storage/topologies';
import { BLANK_SOURCE } from './autosave';

const baseUrl = () => import.meta.env.BASE_URL || './';

/** Where the examples live, relative to the page (works from any sub-path). */
export const examplesUrl = (file: string) => `${baseUrl()}examples/${file}`;

function refuse(title: string, source: string, errors: readonly ValidationError[]) {
  useStudio.getState().showProblem({ title, source, errors });
}

/** Opens a validated topology as a new document (saved by autosave). */
function openTopology(topology: Topology, source: string): void {
  useStudio.getState().loadTopology(topology, { id: null, source });
}

/** Validates text and opens it, or shows why not. Returns whether it opened. */
export function openText(text: string, displayName: string, source: string): boolean {
  const r = validateTopologyText(text);
  if (!r.ok) {
    refuse(`Could not open ${displayName}`, displayName, r.errors);
    return false;
  }
  openTopology(r.topology, source);
  useStudio.getState().toast(`Opened ${r.topology.name}`, 'success');
  return true;
}

/** Opens a file the user picked or dropped. Files over the size limit are refused before being read. */
export async function openFile(file: File): Promise<boolean> {
  if (file.size > LIMITS.maxBytes) {
    refuse(`Could not open ${file.name}`, file.name, [
      {
        code: 'E101',
        message: `the file is ${(file.size / 1048576).toFixed(1)} MB; the limit is ${LIMITS.maxBytes / 1048576} MB`,
        path: '',
      },
    ]);
    return false;
  }
  let text: string;
  try {
    text = await file.text();
  } catch (err) {
    refuse(`Could not read ${file.name}`, file.name, [{ code: 'E100', message: String(err), path: '' }]);
    return false;
  }
  return openText(text, file.name, `file:${file.name}`);
}

/** File → New. */
export function newTopology(): void {
  openTopology(emptyTopology(), BLANK_SOURCE);
}

const EXAMPLE_NAME = /^[a-z0-9][a-z0-9-]{0,63}$/;

/** Opens `public/examples/<name>.json`. */
export async function openExample(name: string): Promise<boolean> {
  if (!EXAMPLE_NAME.test(name)) {
    refuse(`There is no example “${name.slice(0, 80)}”`, 'example', [{ code: 'E104', message: 'an example name is lower-case letters, digits and -', path: '' }]);
    return false;
  }
  let text: string;
  try {
    const res = await fetch(examplesUrl(`${name}.json`));
    if (!res.ok) throw new Error(`${res.status} ${res.statusText}`);
    text = await res.text();
  } catch (err) {
    refuse(`Could not load the example “${name}”`, `${name}.json`, [
      { code: 'E104', message: `the example could not be fetched (${err instanceof Error ? err.message : String(err)})`, path: '' },
    ]);
    return false;
  }
  return openText(text, `${name}.json`, `example:${name}`);
}

/** Opens a topology saved in the browser. */
export async function openSaved(id: string): Promise<boolean> {
  const rec = await getTopology(id);
  if (!rec) {
    useStudio.getState().toast('That topology no longer exists', 'error');
    return false;
  }
  useStudio.getState().loadTopology(rec.topology, { id: rec.id, source: 'saved' });
  return true;
}

/** Opens the topology of a `#t=…` share link, or shows why not (E150 for a damaged link). */
export function openShareLink(hash: string): boolean {
  const r = decodeShareFragment(hash);
  if (!r.ok) {
    refuse('Could not open the share link', 'share link', r.errors);
    return false;
  }
  openTopology(r.topology, 'link');
  useStudio.getState().toast(`Opened ${r.topology.name} from a share link`, 'success');
  return true;
}

/** A file name for a topology: its name, lower-cased and dashed. */
export function fileNameOf(t: Topology): string {
  const slug = t.name
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60);
  return `${slug || 'topology'}.json`;
}

/** Downloads the open topology as a format-v1 file. */
export function exportTopology(): void {
  const s = useStudio.getState();
  const text = serializeTopology(s.topology);
  const url = URL.createObjectURL(new Blob([text], { type: 'application/json' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = fileNameOf(s.topology);
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** The share link of the open topology, or the reason it cannot have one. */
export function shareUrl(): { ok: true; url: string } | { ok: false; message: string } {
  const r = encodeShareFragment(useStudio.getState().topology);
  if (!r.ok) return { ok: false, message: `${r.error.code} ${r.error.message}` };
  const u = new URL(window.location.href);
  u.search = '';
  u.hash = r.fragment;
  return { ok: true, url: u.toString() };
}

/** Whether a dropped or picked file looks like a topology file (by name or type). */
export const isJsonFile = (f: File) => f.type === 'application/json' || f.name.toLowerCase().endsWith('.json') || f.type === '';
