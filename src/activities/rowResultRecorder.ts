import { classifyDisposition } from '../dispositions/classifyDisposition.js';
import { dispositionDefinitions, OPTED_OUT } from '../dispositions/defaultDispositions.js';
import { callFactsOf } from '../dispositions/rowFacts.js';
import type { RowResult } from '../results/rowResult.js';
import type { ActivityDeps } from './activityDeps.js';
import { createResultEventOutbox } from './resultEventOutbox.js';

/**
 * Writes a row's final result: its disposition by the campaign's rules, its dial-time
 * audit and the operators' live-call actions, an opt-out onto the suppression list, the result, and
 * (when the campaign has a result webhook) its `row.finished` event in the outbox. Every
 * writer of a final result goes through here, so none can skip the disposition or the
 * event. Safe to run twice: the result store keeps the furthest result and the outbox
 * keeps the first event of a row.
 */
export function createRowResultRecorder(
  deps: Pick<
    ActivityDeps,
    'prepared' | 'results' | 'resultEvents' | 'suppressions' | 'dialChecks' | 'callActions'
  >,
) {
  const outbox = createResultEventOutbox(deps);
  return async function recordFinalResult(
    result: Omit<RowResult, 'disposition' | 'audit' | 'actions'>,
  ): Promise<void> {
    const manifest = await deps.prepared.readManifest(result.campaignId);
    const disposition = classifyDisposition(
      dispositionDefinitions(manifest?.dispositions),
      callFactsOf(result),
    );
    const audit = await deps.dialChecks.forRow(result.campaignId, result.rowKey);
    const actions = (await deps.callActions?.forRow(result.campaignId, result.rowKey)) ?? [];
    const final: RowResult = {
      ...result,
      disposition,
      ...(audit.length > 0 ? { audit } : {}),
      ...(actions.length > 0 ? { actions } : {}),
    };
    // An opt-out sticks: the number goes on the deployment's list before the result is
    // visible, so no campaign (this one's later rows included) calls it again.
    if (disposition.disposition === OPTED_OUT && result.phoneE164) {
      await deps.suppressions.add([
        {
          phoneE164: result.phoneE164,
          reason: 'asked not to be called again, on the call',
          source: `opted out: campaign ${result.campaignId} line ${result.line}`,
          addedAt: result.recordedAt,
        },
      ]);
    }
    await deps.results.record(final);
    await outbox.rowFinished(final, manifest);
  };
}
