import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { RowResult } from '../../src/results/rowResult.js';
import {
  type CampaignStack,
  startCampaignStack,
  swedishContacts,
  writeCampaign,
} from '../support/campaignStack.js';
import { connectToTestServer, type TemporalTestContext } from '../support/temporal.js';

const alwaysOpen = { timezone: 'Europe/Stockholm', days: 'all', start: '00:00', end: '24:00' };

function campaign(name: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name,
    call: { task: 'Confirm the appointment of {{first_name}}', language: 'en' },
    concurrency: 1,
    callsPerMinute: 600,
    callingWindow: alwaysOpen,
    retry: { maxAttempts: 1 },
    credits: { budget: 10_000, estimatePerCall: 2 },
    ...overrides,
  };
}

async function until(check: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** results.csv of a finished campaign, by the contacts' phone column (shown as `'+46...` for spreadsheets). */
async function resultsCsvByPhone(
  stack: CampaignStack,
  campaignId: string,
): Promise<Map<string, Record<string, string>>> {
  const text = await readFile(join(stack.reportsDir, campaignId, 'results.csv'), 'utf8');
  const records = parse(text.replace(/^\uFEFF/, ''), { columns: true }) as Record<string, string>[];
  return new Map(records.map((record) => [(record.phone_number ?? '').replace(/^'/, ''), record]));
}

describe('compliance at dial time', () => {
  let ctx: TemporalTestContext;
  let stack: CampaignStack;
  beforeAll(async () => {
    ctx = await connectToTestServer();
    stack = await startCampaignStack(ctx, { speed: 60 });
  });
  afterAll(async () => {
    await stack?.close();
    await ctx?.close();
  });
  beforeEach(async () => {
    await stack.admin.reset();
  });

  async function runCampaign(campaignId: string, config: Record<string, unknown>, csv: string) {
    const dir = await writeCampaign(stack.workDir, campaignId, config, csv);
    return await stack.run(async () => {
      const { handle } = await stack.start({ campaignId, campaignDir: dir });
      return await handle.result();
    });
  }

  const calledNumbers = async () => (await stack.admin.calls()).map((call) => call.to);
  /** The stored result of the campaign's row for `phone`. */
  async function stored(campaignId: string, phone: string): Promise<RowResult | undefined> {
    for await (const entry of stack.store.prepared.reportEntries(campaignId)) {
      if (entry.row.phoneE164 === phone) return entry.result;
    }
    return undefined;
  }

  it('never calls a number put on the suppression list while the campaign runs, and says why', async () => {
    const { csv, numbers } = swedishContacts(5, 46701750000);
    const late = numbers[3] as string;
    // One call at a time, each a simulated minute long (1 s): time to add the number mid-run.
    await stack.admin.setScenario({ default: { duration_ms: 60_000 } });
    const campaignId = 'suppressed-mid-run';
    const dir = await writeCampaign(stack.workDir, campaignId, campaign('Suppressed mid-run'), csv);
    const result = await stack.run(async () => {
      const { handle } = await stack.start({ campaignId, campaignDir: dir });
      await until(async () => (await calledNumbers()).length >= 1, 30_000, 'the first call');
      await stack.store.suppressions.add([
        { phoneE164: late, reason: 'asked by SMS', source: 'cli', addedAt: new Date().toISOString() },
      ]);
      return await handle.result();
    });

    expect(result.status).toBe('completed');
    const called = await calledNumbers();
    expect(called).not.toContain(late);
    expect(called).toHaveLength(4);
    const row = await stored(campaignId, late);
    expect(row?.outcome).toBe('suppressed');
    expect(row?.audit).toHaveLength(1);
    expect(row?.audit?.[0]).toMatchObject({ attempt: 1, decision: 'suppressed' });
    expect(row?.audit?.[0]?.checks.find((check) => check.check === 'suppression')).toMatchObject({
      passed: false,
      detail: expect.stringContaining('(cli)'),
    });
    // A row that was called passed every check, each written down.
    const calledRow = await stored(campaignId, numbers[0]);
    expect(calledRow?.audit?.[0]?.decision).toBe('dialled');
    expect(calledRow?.audit?.[0]?.checks.map((check) => [check.check, check.passed])).toEqual([
      ['consent', true],
      ['budget', true],
      ['window', true],
      ['suppression', true],
      ['cap', true],
    ]);
    // The report alone answers "why didn't we call this person?".
    const csvRows = await resultsCsvByPhone(stack, campaignId);
    expect(csvRows.get(late)?.outcome).toBe('suppressed');
    expect(csvRows.get(late)?.why).toMatch(/attempt 1 suppressed at .*: suppression on the suppression list/);
    expect(csvRows.get(numbers[0] as string)?.why).toMatch(/attempt 1 dialled at .*passed/);
  });

  it("stops a second campaign's call to a number a frequency cap of 1 per 24 h has used up", async () => {
    const { csv: first, numbers } = swedishContacts(2, 46701751000);
    const shared = numbers[0] as string;
    expect((await runCampaign('cap-first', campaign('Cap, first campaign'), first)).status).toBe('completed');

    const second = `first_name,phone_number\nAgain,${shared}\nNew,+46701751099\n`;
    const capped = campaign('Cap, second campaign', { frequencyCap: { calls: 1, per: '24h' } });
    expect((await runCampaign('cap-second', capped, second)).status).toBe('completed');

    const called = await calledNumbers();
    expect(called.filter((to) => to === shared)).toHaveLength(1);
    expect(called).toContain('+46701751099');
    const row = await stored('cap-second', shared);
    expect(row?.outcome).toBe('capped');
    expect(row?.attempts[0]?.status).toBe('capped');
    expect(row?.audit?.[0]?.checks.at(-1)).toMatchObject({
      check: 'cap',
      passed: false,
      detail: 'reached: 1 call per 24h (campaign)',
    });
  });

  it('does not call a row without consent, and reports it no_consent', async () => {
    const csv = [
      'first_name,phone_number,consent',
      'Yes,+46701752001,ja',
      'Empty,+46701752002,',
      'No,+46701752003,nej',
      'Typo,+46701752004,maybe',
    ].join('\n');
    const config = campaign('Consent', { consent: { column: 'consent' }, purpose: 'marketing' });
    expect((await runCampaign('consent', config, `${csv}\n`)).status).toBe('completed');

    expect(await calledNumbers()).toEqual(['+46701752001']);
    const rows = await resultsCsvByPhone(stack, 'consent');
    expect(rows.get('+46701752001')?.outcome).toBe('completed');
    expect(rows.get('+46701752002')?.outcome).toBe('no_consent');
    expect(rows.get('+46701752003')?.outcome).toBe('no_consent');
    expect(rows.get('+46701752003')?.why).toBe('not called: no consent to be called (consent is "nej")');
    // A cell that is neither yes nor no is a problem with the row, not a guess either way.
    expect(rows.get('+46701752004')?.outcome).toBe('invalid');
    expect(rows.get('+46701752004')?.error).toMatch(/^consent: "maybe" is neither yes nor no/);
  });

  it('puts a number that opted out on the list, and no later campaign calls it', async () => {
    const optingOut = '+46701753001';
    await stack.admin.setScenario({ byNumber: { [optingOut]: { script: 'opt_out', language: 'en' } } });
    const csv = `first_name,phone_number\nOpting,${optingOut}\nStaying,+46701753002\n`;
    expect((await runCampaign('opt-out-first', campaign('Opt-out, first'), csv)).status).toBe('completed');

    const row = await stored('opt-out-first', optingOut);
    expect(row?.disposition?.disposition).toBe('opted_out');
    expect(await stack.store.suppressions.find(optingOut)).toMatchObject({
      source: expect.stringContaining('opted out: campaign opt-out-first'),
    });
    expect(await stack.store.suppressions.find('+46701753002')).toBeUndefined();

    expect((await runCampaign('opt-out-second', campaign('Opt-out, second'), csv)).status).toBe('completed');
    const calls = await calledNumbers();
    expect(calls.filter((to) => to === optingOut)).toHaveLength(1);
    expect(calls.filter((to) => to === '+46701753002')).toHaveLength(2);
    expect((await stored('opt-out-second', optingOut))?.outcome).toBe('suppressed');
  });
});
