import { classifyDisposition } from '../dispositions/classifyDisposition.js';
import { dispositionDefinitions } from '../dispositions/defaultDispositions.js';
import { callFactsOf } from '../dispositions/rowFacts.js';
import type { RowResult } from '../results/rowResult.js';
import type { ActivityDeps } from './activityDeps.js';
import { createResultEventOutbox } from './resultEventOutbox.js';

/**
 * Writes a row's final result: its disposition by the campaign's rules, the result, and
 * (when the campaign has a result webhook) its `row.finished` event in the outbox. Every
 * writer of a final result goes through here, so none can skip the disposition or the
 * event. Safe to run twice: the result store keeps the furthest result and the outbox
 * keeps the first event of a row.
 */
export function createRowResultRecorder(deps: Pick<ActivityDeps, 'prepared' | 'results' | 'resultEvents'>) {
  const outbox = createResultEventOutbox(deps);
  return async function recordFinalResult(result: Omit<RowResult, 'disposition'>): Promise<void> {
    const manifest = await deps.prepared.readManifest(result.campaignId);
    const disposition = classifyDisposition(
      dispositionDefinitions(manifest?.dispositions),
      callFactsOf(result),
    );
    const final: RowResult = { ...result, disposition };
    await deps.results.record(final);
    await outbox.rowFinished(final, manifest);
  };
}
