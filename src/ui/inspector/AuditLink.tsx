/** For an access-control node: a way from the inspector to its audit log in the bottom dock. */
import { requestPanelTab } from '../panels/panelRequest';
import { Section } from './InspectorParts';

export function AuditLink({ nodeId }: { nodeId: string }) {
  return (
    <Section title="Audit log">
      <p className="inspector__muted">Every decision of this gate — principal, operation, topic, decision and the rule that decided — is logged while the topology runs.</p>
      <button type="button" className="button button--small" onClick={() => requestPanelTab('audit', nodeId)} data-testid="open-audit">
        Open the audit log
      </button>
    </Section>
  );
}
