import { ApplicationFailure, heartbeat } from '@temporalio/activity';
import { effectiveConcurrency } from '../campaign/callingCapacity.js';
import { ContactsFileError } from '../campaign/contactsFileError.js';
import { fileSha256 } from '../campaign/fileSha256.js';
import { CampaignFileError, type LoadedCampaign, loadCampaign } from '../campaign/loadCampaign.js';
import { loadNumberTimeZones } from '../campaign/numberTimeZones.js';
import { readContactBatches } from '../campaign/readContacts.js';
import { rowZones } from '../campaign/recipientZones.js';
import { closingInstructions } from '../dispositions/closingSentences.js';
import { dispositionDefinitions, usesClosingSentences } from '../dispositions/defaultDispositions.js';
import type { CallRow, CampaignPlan } from '../engine/campaignPlan.js';
import { generateCampaignReport } from '../reports/generateCampaignReport.js';
import { maskPhone } from '../reports/maskPhone.js';
import type { FinalOutcome } from '../results/rowResult.js';
import type { StoredRow } from '../storage/preparedCampaignStore.js';
import type { ActivityDeps } from './activityDeps.js';
import { createResultEventOutbox } from './resultEventOutbox.js';
import { createRowResultRecorder } from './rowResultRecorder.js';

const HEARTBEAT_EVERY_ROWS = 1_000;
/** When campaign.json sets no max_duration, how long a call may last before we poll for it. */
const DEFAULT_MAX_CALL_DURATION_MS = 30 * 60_000;
/** Extra time after a call's max duration before we stop waiting for its webhook and poll. */
const DEFAULT_WEBHOOK_GRACE_MS = 60_000;

/** The activities of a campaign workflow. Each one is safe to run twice. */
export function createCampaignActivities(deps: ActivityDeps) {
  const { prepared, results } = deps;
  const recordFinalResult = createRowResultRecorder(deps);
  const outbox = createResultEventOutbox(deps);

  return {
    /**
     * What a row's stored result says, for a row whose workflow ended before this
     * campaign run could see it (a reset, a run that started it twice): the outcome and
     * what its attempts cost. Undefined when nothing was stored.
     */
    async storedRowOutcome(input: {
      campaignId: string;
      rowKey: string;
    }): Promise<{ outcome: FinalOutcome; credits: number } | undefined> {
      const result = await results.get(input.campaignId, input.rowKey);
      if (!result) return undefined;
      return {
        outcome: result.outcome,
        credits: result.attempts.reduce((sum, attempt) => sum + (attempt.credits ?? 0), 0),
      };
    },

    /** Sends `campaign.failed` (when the campaign's resultWebhook asks for it) with the root cause. */
    async reportCampaignFailed(input: {
      campaignId: string;
      campaignDir: string;
      date?: string;
      error: string;
    }): Promise<void> {
      await outbox.campaignFailed(input.campaignId, input.error, async () => {
        try {
          return (await loadCampaign(input.campaignDir, { date: input.date })).config.resultWebhook;
        } catch (error) {
          // Only the files campaign.json names are bad: its resultWebhook is still known.
          if (error instanceof CampaignFileError) return error.config?.resultWebhook;
          throw error;
        }
      });
    },

    /**
     * Whether the run must wait for its dated contacts file: only when that file alone is
     * missing and campaign.json sets `contactsWait`. Anything else wrong is left to
     * prepareCampaign, which fails with the campaign's own messages.
     */
    async checkDatedContacts(input: { campaignDir: string; date?: string }): Promise<DatedContactsCheck> {
      try {
        await loadCampaign(input.campaignDir, { date: input.date });
        return { missing: false };
      } catch (error) {
        const awaited = error instanceof CampaignFileError ? error.awaitedContacts : undefined;
        return awaited ? { missing: true, ...awaited } : { missing: false };
      }
    },

    /**
     * Loads and validates the campaign, writes its valid rows to the prepared store and
     * returns the plan. A campaign already prepared (a retried activity) is not redone.
     */
    async prepareCampaign(input: {
      campaignId: string;
      campaignDir: string;
      date?: string;
      webhookGraceMs?: number;
    }): Promise<CampaignPlan> {
      const existing = await prepared.readManifest(input.campaignId);
      if (existing) return existing.plan;

      let campaign: LoadedCampaign;
      try {
        campaign = await loadCampaign(input.campaignDir, { date: input.date });
      } catch (error) {
        throw invalidCampaign(error);
      }
      const { config } = campaign;
      const counts = { total: 0, valid: 0 };
      const zonesOf = rowZones(
        { timezone: config.callingWindow.timezone, callingRules: config.callingRules },
        await loadNumberTimeZones(),
      );

      // Every row goes to the store, valid or not, so the report never reads the CSV again.
      // A batch at a time (the rows of one chunk of the file): one await per batch, not per row.
      async function* storedRows(): AsyncIterable<StoredRow[]> {
        for await (const rows of readContactBatches(campaign, { rowKeySecret: deps.rowKeySecret })) {
          const batch: StoredRow[] = [];
          for (const row of rows) {
            counts.total += 1;
            if (counts.total % HEARTBEAT_EVERY_ROWS === 0) heartbeat(counts.total);
            const { line, rowKey, columns, phoneE164, status, reason, column, duplicateOf } = row;
            const stored: StoredRow = {
              line,
              rowKey,
              columns,
              phoneE164,
              status,
              reason,
              column,
              duplicateOf,
            };
            if (status === 'valid' && phoneE164 && row.task !== undefined) {
              counts.valid += 1;
              stored.call = {
                // The classifier masks the number from its own parse: no second libphonenumber parse.
                maskedPhone: row.maskedPhone ?? maskPhone(phoneE164),
                ...zonesOf(row),
                task: row.task,
                additionalPrompt: row.additionalPrompt,
                overrides: row.overrides,
              };
            }
            batch.push(stored);
          }
          yield batch;
        }
      }

      const {
        task: _task,
        additionalPrompt: _prompt,
        recording,
        userOnCall: _userOnCall,
        userPhone: operatorPhones,
        ...callOptions
      } = config.call;
      const plan: CampaignPlan = {
        campaignId: input.campaignId,
        name: config.name,
        concurrency: effectiveConcurrency(config),
        callsPerMinute: config.callsPerMinute,
        maxAttempts: config.retry.maxAttempts,
        retryOn: config.retry.retryOn,
        retryDelayMs: config.retry.delay,
        budget: config.credits.budget,
        estimatePerCall: config.credits.estimatePerCall,
        ambiguousStart: config.ambiguousStart,
        reconcileAfterMs: config.reconcileAfter,
        creditRecheckEveryMs: config.creditRecheckEvery,
        maxCallDurationMs: config.call.max_duration
          ? config.call.max_duration * 1000
          : DEFAULT_MAX_CALL_DURATION_MS,
        webhookGraceMs: input.webhookGraceMs ?? DEFAULT_WEBHOOK_GRACE_MS,
        recordingFormat: recording.download ? recording.format : undefined,
        priceWebhook: config.call.webhook_events?.includes('price_updated') ?? false,
        callingWindow: {
          timezone: config.callingWindow.timezone,
          days: config.callingWindow.days,
          startMinute: config.callingWindow.startMinute,
          endMinute: config.callingWindow.endMinute,
          // Only when set, so a plan without them is shaped as older builds made it.
          ...(config.callingWindow.skipDates.length > 0 ? { skipDates: config.callingWindow.skipDates } : {}),
          ...(config.callingWindow.holidays.length > 0 ? { holidays: config.callingWindow.holidays } : {}),
          ...(config.callingRules ? { callingRules: config.callingRules } : {}),
        },
        ...(operatorPhones ? { operatorPhones: operatorPhones.length } : {}),
        totalRows: 0,
        validRows: 0,
      };

      try {
        // The rows go to the store first; the plan's counts are only known once they are all read.
        const contactsSha256 = await fileSha256(campaign.contactsPath);
        await prepared.write(input.campaignId, storedRows(), () => ({
          plan: { ...plan, totalRows: counts.total, validRows: counts.valid },
          callOptions,
          ...(operatorPhones ? { operatorPhones } : {}),
          source: { campaignDir: campaign.dir, date: campaign.date, contactsSha256 },
          dispositions: [...dispositionDefinitions(config.dispositions)],
          ...(usesClosingSentences(config.dispositions) ? { closingPrompt: closingInstructions() } : {}),
          ...(config.resultWebhook ? { resultWebhook: config.resultWebhook } : {}),
          ...(config.idColumn ? { idColumn: config.idColumn } : {}),
          compliance: {
            purpose: config.purpose,
            ...(config.consent ? { consent: config.consent } : {}),
            ...(config.frequencyCap
              ? { frequencyCap: { calls: config.frequencyCap.calls, perMs: config.frequencyCap.per } }
              : {}),
          },
        }));
      } catch (error) {
        throw invalidCampaign(error);
      }
      if (counts.valid === 0) {
        throw ApplicationFailure.nonRetryable(
          `campaign ${config.name} has no valid rows to call (run cmc validate to see why)`,
          'InvalidCampaign',
        );
      }
      return { ...plan, totalRows: counts.total, validRows: counts.valid };
    },

    async readRowsPage(input: {
      campaignId: string;
      offset: number;
      limit: number;
    }): Promise<{ rows: CallRow[] }> {
      const rows = await prepared.page(input.campaignId, input.offset, input.limit);
      // Only what the workflows need: no phone number, no task text in workflow history.
      return {
        rows: rows.map(({ rowKey, line, maskedPhone, timezones }) => ({
          rowKey,
          line,
          maskedPhone,
          timezones,
        })),
      };
    },

    /** Closes every row from `fromOffset` on that never started (budget spent or campaign cancelled). */
    async recordUnstartedRows(input: {
      campaignId: string;
      fromOffset: number;
      outcome: Extract<FinalOutcome, 'not_called_budget' | 'cancelled'>;
      error?: string;
    }): Promise<number> {
      const pageSize = 500;
      let recorded = 0;
      for (let offset = input.fromOffset; ; offset += pageSize) {
        const rows = await prepared.page(input.campaignId, offset, pageSize);
        if (rows.length === 0) break;
        for (const row of rows) {
          if (await results.get(input.campaignId, row.rowKey)) continue;
          await recordFinalResult({
            campaignId: input.campaignId,
            rowKey: row.rowKey,
            line: row.line,
            columns: row.columns,
            phoneE164: row.phoneE164,
            outcome: input.outcome,
            attempts: [],
            error: input.error,
            recordedAt: new Date().toISOString(),
          });
          recorded += 1;
        }
        heartbeat(offset);
      }
      return recorded;
    },

    async writeCampaignReport(input: {
      campaignId: string;
      startedAt: string;
    }): Promise<{ reportDir: string }> {
      const report = await generateCampaignReport(deps, input.campaignId, {
        startedAt: input.startedAt,
        endedAt: new Date().toISOString(),
      });
      await outbox.campaignFinished(report.summary);
      return { reportDir: report.dir };
    },
  };
}

export type CampaignActivities = ReturnType<typeof createCampaignActivities>;

/** The dated contacts file is not there yet and campaign.json says how long to wait for it. */
export type DatedContactsCheck =
  | { missing: false }
  | {
      missing: true;
      /** contactsWait in ms. */
      waitMs: number;
      /** The contacts path as campaign.json names it, date filled in (relative to the campaign folder). */
      file: string;
    };

/** A campaign that cannot run fails its workflow at once, with the file's own error messages. */
function invalidCampaign(error: unknown): Error {
  if (error instanceof CampaignFileError || error instanceof ContactsFileError) {
    return ApplicationFailure.nonRetryable(error.message, 'InvalidCampaign');
  }
  return error instanceof Error ? error : new Error(String(error));
}
