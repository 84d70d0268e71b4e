/**
 * The row of small tabs a panel shows when the topology has several nodes of its kind (dead-letter
 * channels, event stores, read models, access-control gates); nothing when there is only one.
 */
export function NodeTabs({
  nodes,
  selected,
  onSelect,
  label,
}: {
  nodes: readonly { id: string; label?: string }[];
  selected: string;
  onSelect: (id: string) => void;
  /** Accessible name of the tab list, such as "Dead-letter channels". */
  label: string;
}) {
  if (nodes.length < 2) return null;
  return (
    <div className="dlq__tabs" role="tablist" aria-label={label}>
      {nodes.map((n) => (
        <button
          key={n.id}
          type="button"
          role="tab"
          aria-selected={n.id === selected}
          className="panel-tab panel-tab--small"
          onClick={() => onSelect(n.id)}
        >
          {n.label || n.id}
        </button>
      ))}
    </div>
  );
}
