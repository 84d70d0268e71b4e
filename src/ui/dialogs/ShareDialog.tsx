/** The share link of the open topology: the whole topology, compressed, in the link's fragment. */
import { useMemo, useState } from 'react';
import { shareUrl } from '../files/documents';
import { Modal } from '../shell/Modal';

export function ShareDialog({ onClose }: { onClose(): void }) {
  const result = useMemo(() => shareUrl(), []);
  const [copied, setCopied] = useState(false);
  const copy = async () => {
    if (!result.ok) return;
    try {
      await navigator.clipboard.writeText(result.url);
      setCopied(true);
    } catch {
      document.querySelector<HTMLInputElement>('#share-url')?.select();
    }
  };
  return (
    <Modal
      title="Share link"
      subtitle="Anyone who opens this link gets a copy of this topology. It travels inside the link (after #), so no server stores it."
      onClose={onClose}
      testId="share-dialog"
      footer={
        result.ok ? (
          <button type="button" className="button button--primary" onClick={() => void copy()}>
            {copied ? 'Copied' : 'Copy link'}
          </button>
        ) : undefined
      }
    >
      {result.ok ? (
        <div className="field">
          <label className="field__label" htmlFor="share-url">
            Link ({result.url.length.toLocaleString('en')} characters)
          </label>
          <input id="share-url" className="input input--code" readOnly value={result.url} onFocus={(e) => e.target.select()} />
        </div>
      ) : (
        <p className="field__errors" role="alert">
          {result.message}
        </p>
      )}
    </Modal>
  );
}
