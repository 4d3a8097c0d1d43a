import type { VerifiedCallerId } from '../callerIds/verifiedCallerIds.js';
import type { CallMyCallClient } from '../callmycall/client.js';
import { type LoadedCampaign, loadCampaign } from '../campaign/loadCampaign.js';
import { readContacts } from '../campaign/readContacts.js';
import { validateCampaign } from '../campaign/validateCampaign.js';
import { apiFailure } from './apiChecks.js';
import { fail, type PreflightCheck, pass, reasonOf, skip } from './preflightCheck.js';

/** Unverified numbers listed one by one up to this many; the rest are counted. */
const MAX_LISTED_NUMBERS = 10;

export interface CampaignCheckInput {
  campaignDir: string;
  date?: string;
  rowKeySecret: string;
  client: CallMyCallClient;
  /** From the API key check; undefined when it failed. */
  callerIds: VerifiedCallerId[] | undefined;
}

/** What a campaign asks of the account: its caller IDs and whether any call uses the calendar. */
interface CampaignNeeds {
  fromNumbers: Map<string, string>;
  calendar: boolean;
}

/**
 * With a campaign folder: it validates; every from_number it may call from (campaign.json
 * and a from_number column of valid rows) is verified; the calendar is authorised when a
 * call enables it; the credit estimate fits the budget.
 */
export async function campaignChecks(input: CampaignCheckInput): Promise<PreflightCheck[]> {
  const { campaignDir } = input;
  const dateOption = input.date === undefined ? {} : { date: input.date };
  const validation = await validateCampaign(campaignDir, { ...dateOption, rowKeySecret: input.rowKeySecret });
  const checks: PreflightCheck[] = [];
  if (!validation.canRun) {
    const why =
      validation.errors.length > 0
        ? `${validation.errors.length} error(s), first: ${validation.errors[0]?.message.split('\n')[0]}`
        : 'no valid rows';
    checks.push(
      fail(
        'campaign',
        `${campaignDir} cannot run: ${why}`,
        `run \`cmc validate ${campaignDir}\` and fix what it lists`,
      ),
      skip('caller IDs', 'not checked: the campaign does not validate'),
      skip('calendar', 'not checked: the campaign does not validate'),
      skip('credits', 'not checked: the campaign does not validate'),
    );
    return checks;
  }
  checks.push(pass('campaign', `${campaignDir} validates: ${validation.valid} call(s) ready`));

  let needs: CampaignNeeds;
  try {
    needs = await campaignNeeds(await loadCampaign(campaignDir, dateOption), input.rowKeySecret);
  } catch (error) {
    checks.push(
      fail(
        'caller IDs',
        `cannot read the campaign's rows: ${reasonOf(error)}`,
        `run \`cmc validate ${campaignDir}\``,
      ),
    );
    return checks;
  }
  checks.push(callerIdCheck(needs, input.callerIds));
  checks.push(await calendarCheck(needs, input.client));
  checks.push(creditsCheck(validation.estimatedCredits, validation.budget));
  checks.push(
    skip(
      'balance',
      'the CallMyCall API does not report the account balance; a start-call refused with 402 "Insufficient credits" says it ran out',
      'check the balance in your CallMyCall account before a large campaign',
    ),
  );
  return checks;
}

async function campaignNeeds(campaign: LoadedCampaign, rowKeySecret: string): Promise<CampaignNeeds> {
  const call = campaign.config.call;
  const fromNumbers = new Map<string, string>();
  if (call.from_number) fromNumbers.set(call.from_number, 'call.from_number');
  let calendar = call.enable_calendar === true;
  for await (const row of readContacts(campaign, { rowKeySecret })) {
    if (row.status !== 'valid') continue;
    const from = row.overrides.from_number;
    if (typeof from === 'string' && !fromNumbers.has(from))
      fromNumbers.set(from, `from_number on line ${row.line}`);
    if (row.overrides.enable_calendar === true) calendar = true;
  }
  return { fromNumbers, calendar };
}

function callerIdCheck(needs: CampaignNeeds, callerIds: VerifiedCallerId[] | undefined): PreflightCheck {
  if (needs.fromNumbers.size === 0) {
    return pass('caller IDs', "no from_number: calls come from CallMyCall's own number");
  }
  if (callerIds === undefined) return skip('caller IDs', 'not checked: the API key check failed');
  const verified = new Set(callerIds.map((id) => id.phoneNumber));
  const missing = [...needs.fromNumbers].filter(([phone]) => !verified.has(phone));
  if (missing.length === 0) {
    return pass('caller IDs', `every from_number is verified (${[...needs.fromNumbers.keys()].join(', ')})`);
  }
  const listed = missing.slice(0, MAX_LISTED_NUMBERS);
  const more = missing.length > listed.length ? ` and ${missing.length - listed.length} more` : '';
  return fail(
    'caller IDs',
    `not verified for this API key: ${listed.map(([phone, where]) => `${phone} (${where})`).join(', ')}${more}`,
    listed.map(([phone]) => `run \`cmc caller-id verify ${phone} --wait\``).join('; '),
  );
}

async function calendarCheck(needs: CampaignNeeds, client: CallMyCallClient): Promise<PreflightCheck> {
  if (!needs.calendar) return pass('calendar', 'not needed: no call sets enable_calendar');
  try {
    const status = await client.getCalendarStatus();
    return status.authorized
      ? pass(
          'calendar',
          `enable_calendar is set and Google Calendar is authorised${status.expires_at ? ` (until ${status.expires_at})` : ''}`,
        )
      : fail(
          'calendar',
          'enable_calendar is set but no Google Calendar is authorised for this API key',
          'run `cmc calendar connect --wait`',
        );
  } catch (error) {
    return apiFailure('calendar', client, error);
  }
}

function creditsCheck(estimate: number, budget: number | undefined): PreflightCheck {
  if (budget === undefined) {
    return skip(
      'credits',
      `about ${estimate} credits for first attempts; no credits.budget set`,
      'set credits.budget in campaign.json to cap the spend',
    );
  }
  return estimate <= budget
    ? pass('credits', `about ${estimate} credits for first attempts, within the budget of ${budget}`)
    : fail(
        'credits',
        `about ${estimate} credits for first attempts, more than the budget of ${budget}: the campaign would stop part-way`,
        'raise credits.budget in campaign.json, or split the contacts',
      );
}
