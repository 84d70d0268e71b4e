/**
 * React Query option factory for the examples gallery: public/examples/index.json, an array of
 * `{ file, name, title, description, family }`
 * (under an `examples` key). The manifest is checked entry by entry; entries that do not
 * have that shape are skipped rather than trusted.
 */
import { queryOptions } from '@tanstack/react-query';

/** One example of the gallery. */
export interface ExampleInfo {
  file: string;
  name: string;
  title: string;
  description: string;
  family: string;
}

const str = (v: unknown, max: number): v is string => typeof v === 'string' && v.length > 0 && v.length <= max;

/** Keeps the well-formed entries of a manifest. */
export function parseExampleIndex(data: unknown): ExampleInfo[] {
  // The manifest is `{ "examples": [...] }`; a bare array is accepted as well.
  const list = Array.isArray(data) ? data : data && typeof data === 'object' ? (data as { examples?: unknown }).examples : undefined;
  if (!Array.isArray(list)) return [];
  const out: ExampleInfo[] = [];
  for (const item of list.slice(0, 500)) {
    if (!item || typeof item !== 'object') continue;
    const { file, name, title, description, family } = item as Record<string, unknown>;
    if (!str(file, 200) || !/^[a-z0-9][a-z0-9-]*\.json$/.test(file)) continue;
    if (!str(name, 100) || !str(title, 200)) continue;
    out.push({
      file,
      name,
      title,
      description: typeof description === 'string' ? description.slice(0, 2000) : '',
      family: typeof family === 'string' ? family : 'other',
    });
  }
  return out;
}

/** The gallery, read from `examples/index.json` relative to the page. */
export const examplesIndexOptions = () =>
  queryOptions({
    queryKey: ['examples', 'index'] as const,
    queryFn: async (): Promise<ExampleInfo[]> => {
      const res = await fetch(`${import.meta.env.BASE_URL || './'}examples/index.json`);
      if (!res.ok) throw new Error(`examples/index.json: ${res.status} ${res.statusText}`);
      return parseExampleIndex(await res.json());
    },
    staleTime: Infinity,
  });
