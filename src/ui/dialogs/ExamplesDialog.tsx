/** The examples gallery: public/examples/index.json, grouped by family, each with its description. */
import { useQuery } from '@tanstack/react-query';
import { FAMILIES } from '../../model/catalog';
import { examplesIndexOptions, type ExampleInfo } from '../../queries/examplesOptions';
import { openExample } from '../files/documents';
import { Modal } from '../shell/Modal';

const familyTitle = (id: string) => FAMILIES.find((f) => f.id === id)?.title ?? id;

export function ExamplesDialog({ onClose }: { onClose(): void }) {
  const { data, isPending, error } = useQuery(examplesIndexOptions());
  const groups = new Map<string, ExampleInfo[]>();
  for (const ex of data ?? []) groups.set(ex.family, [...(groups.get(ex.family) ?? []), ex]);
  const order = [...groups.keys()].sort((a, b) => FAMILIES.findIndex((f) => f.id === a) - FAMILIES.findIndex((f) => f.id === b));

  const open = async (ex: ExampleInfo) => {
    if (await openExample(ex.file.replace(/\.json$/, ''))) onClose();
  };

  return (
    <Modal title="Examples" subtitle="Ready-made topologies, one or more per pattern family. Opening one keeps your current topology in My topologies." onClose={onClose} wide testId="examples-dialog">
      {isPending && <p className="inspector__muted">Loading the gallery…</p>}
      {error && <p className="inspector__muted">The gallery could not be loaded ({String(error.message)}).</p>}
      {data && data.length === 0 && <p className="inspector__muted">No examples were found.</p>}
      {order.map((family) => (
        <section key={family} className="gallery__group">
          <h3 className={`gallery__family palette__family--${family}`}>{familyTitle(family)}</h3>
          <ul className="gallery">
            {groups.get(family)!.map((ex) => (
              <li key={ex.file}>
                <button type="button" className={`gallery__card node--${family}`} onClick={() => void open(ex)} aria-label={`Open example ${ex.title}`} data-example={ex.name}>
                  <span className="gallery__title">{ex.title}</span>
                  <span className="gallery__description">{ex.description}</span>
                </button>
              </li>
            ))}
          </ul>
        </section>
      ))}
    </Modal>
  );
}
