/**
 * The edge inspector's link fields: a connection may be a network link with a bandwidth (bytes per virtual
 * second) and a propagation latency (ms). Empty bandwidth means an instant connection (no `link` in the
 * file). It is an edge field (`edge.link`), not pattern config; edits go through the store like any other,
 * and are checked with the model's link schema as they are typed.
 */
import { useState } from 'react';
import type { ValidationError } from '../../model/errors';
import { linkSchema, type LinkSpec } from '../../model/topology';
import { setEdgeLink } from '../../state/faultEdits';
import { useStudio } from '../../state/studioStore';
import { formatBandwidth, linkText } from '../canvas/live/faultSelectors';
import { FieldShell } from './FieldShell';
import { Section } from './InspectorParts';
import './resilience.css';

/** Common link speeds, in bytes per second. */
const PRESETS: { label: string; bandwidth: number }[] = [
  { label: '56 kbit/s', bandwidth: 7000 },
  { label: '1 Mbit/s', bandwidth: 125_000 },
  { label: '100 Mbit/s', bandwidth: 12_500_000 },
  { label: '1 Gbit/s', bandwidth: 125_000_000 },
];

const toText = (v: unknown) => (typeof v === 'number' ? String(v) : '');

/** Checks a link with the model's schema; the first problem per field. */
function problems(link: LinkSpec): { bandwidth?: string; latency?: string } {
  const r = linkSchema.safeParse(link);
  if (r.success) return {};
  const out: { bandwidth?: string; latency?: string } = {};
  for (const issue of r.error.issues) {
    const key = issue.path[0];
    if ((key === 'bandwidth' || key === 'latency') && !out[key]) out[key] = issue.message;
  }
  return out;
}

export function EdgeLinkFields({ edgeId, link, index, errors }: { edgeId: string; link: LinkSpec | undefined; index: number; errors: readonly ValidationError[] }) {
  const [bwText, setBwText] = useState<string | null>(null);
  const [latText, setLatText] = useState<string | null>(null);
  const [local, setLocal] = useState<{ bandwidth?: string; latency?: string }>({});
  const write = (next: LinkSpec | undefined) => useStudio.getState().edit((t) => setEdgeLink(t, edgeId, next), `edge:${edgeId}:link`);
  const distLatency = link?.latency !== undefined && typeof link.latency !== 'number';

  const commitBandwidth = (text: string) => {
    setBwText(text);
    const s = text.trim();
    if (s === '') {
      setLocal({});
      write(undefined);
      return;
    }
    const n = Number(s);
    if (!Number.isFinite(n)) return setLocal({ bandwidth: 'not a number' });
    const next: LinkSpec = { ...(link ?? {}), bandwidth: n };
    const p = problems(next);
    setLocal(p);
    if (!p.bandwidth) write(next);
  };

  const commitLatency = (text: string) => {
    setLatText(text);
    if (!link) return;
    const s = text.trim();
    if (s === '') {
      setLocal({});
      const { latency: _drop, ...rest } = link;
      write(rest);
      return;
    }
    const n = Number(s);
    if (!Number.isFinite(n)) return setLocal({ latency: 'not a number' });
    const next: LinkSpec = { ...link, latency: n };
    const p = problems(next);
    setLocal(p);
    if (!p.latency) write(next);
  };

  const at = (field: string) => errors.filter((e) => e.path === `edges[${index}].link.${field}` || (field === 'bandwidth' && e.path === `edges[${index}].link`));
  const bwId = `edge-${edgeId}-bandwidth`;
  const latId = `edge-${edgeId}-latency`;

  return (
    <Section title="Link" aside={link ? <span className="link-summary">{linkText(link)}</span> : <span className="link-summary">instant</span>}>
      <div className="edge-link-fields" data-testid="edge-link-fields">
        <FieldShell
          id={bwId}
          label="Bandwidth"
          hint={link ? `${formatBandwidth(link.bandwidth)} — messages queue when more is offered` : 'empty: an instant connection (no network link)'}
          errors={at('bandwidth')}
          localError={local.bandwidth}
        >
          <div className="input-wrap has-unit">
            <input
              id={bwId}
              className="input input--number"
              type="text"
              inputMode="decimal"
              value={bwText ?? toText(link?.bandwidth)}
              placeholder="instant"
              onChange={(e) => commitBandwidth(e.target.value)}
              onBlur={() => setBwText(null)}
              aria-invalid={!!local.bandwidth || at('bandwidth').length > 0}
              aria-describedby={`${bwId}-hint ${bwId}-errors`}
              autoComplete="off"
              spellCheck={false}
            />
            <span className="input-unit">B/s</span>
          </div>
        </FieldShell>
        <div className="link-presets" role="group" aria-label="Common link speeds">
          {PRESETS.map((p) => (
            <button
              key={p.label}
              type="button"
              className={`link-preset ${link?.bandwidth === p.bandwidth ? 'is-active' : ''}`}
              aria-pressed={link?.bandwidth === p.bandwidth}
              onClick={() => {
                setBwText(null);
                setLocal({});
                write({ ...(link ?? {}), bandwidth: p.bandwidth });
              }}
              title={`${formatBandwidth(p.bandwidth)}`}
            >
              {p.label}
            </button>
          ))}
        </div>
        <FieldShell
          id={latId}
          label="Latency"
          hint={!link ? 'set a bandwidth first' : distLatency ? 'a distribution (from the file); type a number to make it constant' : 'propagation time after a message is on the wire'}
          errors={at('latency')}
          localError={local.latency}
        >
          <div className="input-wrap has-unit">
            <input
              id={latId}
              className="input input--number"
              type="text"
              inputMode="decimal"
              value={latText ?? (distLatency ? '' : toText(link?.latency))}
              placeholder={distLatency ? linkText(link!).split(' · ')[1] ?? 'distribution' : '0'}
              disabled={!link}
              onChange={(e) => commitLatency(e.target.value)}
              onBlur={() => setLatText(null)}
              aria-invalid={!!local.latency || at('latency').length > 0}
              aria-describedby={`${latId}-hint ${latId}-errors`}
              autoComplete="off"
              spellCheck={false}
            />
            <span className="input-unit">ms</span>
          </div>
        </FieldShell>
      </div>
    </Section>
  );
}
