import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/**
 * The custom search attributes operators filter on in the Temporal UI and `cmc list`.
 * Registered by the test harness, `cmc dev` and the docker-compose setup job.
 * None of them ever holds a phone number: Temporal stores them unencrypted.
 */
export const CampaignIdKey = defineSearchAttributeKey('CampaignId', SearchAttributeType.KEYWORD);
export const CampaignNameKey = defineSearchAttributeKey('CampaignName', SearchAttributeType.KEYWORD);
export const CallOutcomeKey = defineSearchAttributeKey('CallOutcome', SearchAttributeType.KEYWORD);
export const CallAttemptKey = defineSearchAttributeKey('CallAttempt', SearchAttributeType.INT);
export const CampaignStateKey = defineSearchAttributeKey('CampaignState', SearchAttributeType.KEYWORD);

export const searchAttributeKeys = [
  CampaignIdKey,
  CampaignNameKey,
  CallOutcomeKey,
  CallAttemptKey,
  CampaignStateKey,
];

/** `--search-attribute Name=Type` arguments for `temporal server start-dev`. */
export function devServerSearchAttributeArgs(): string[] {
  const typeNames: Record<string, string> = {
    [SearchAttributeType.KEYWORD]: 'Keyword',
    [SearchAttributeType.INT]: 'Int',
  };
  return searchAttributeKeys.flatMap((key) => ['--search-attribute', `${key.name}=${typeNames[key.type]}`]);
}

/**
 * Built in, set by Temporal on every workflow a Schedule starts: the time the run was
 * scheduled for (a manual trigger gets the trigger time). Not registered: it is a system one.
 */
export const TemporalScheduledStartTimeKey = defineSearchAttributeKey(
  'TemporalScheduledStartTime',
  SearchAttributeType.DATETIME,
);
