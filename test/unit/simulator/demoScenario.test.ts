import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { ContactRow } from '../../../src/campaign/contactRow.js';
import { loadCampaign } from '../../../src/campaign/loadCampaign.js';
import { readContacts } from '../../../src/campaign/readContacts.js';
import { classifyDisposition, type Disposition } from '../../../src/dispositions/classifyDisposition.js';
import { APPOINTMENT_CONFIRMATION } from '../../../src/dispositions/defaultDispositions.js';
import { ScenarioBook, scenarioSchema } from '../../../src/simulator/scenario.js';

const DEMO = fileURLToPath(new URL('../../../campaigns/appointment-confirmation', import.meta.url));

/** Each called row of the demo and the disposition its scripted calls end in, retries included. */
async function demoDispositions(): Promise<Array<{ row: ContactRow; disposition: Disposition }>> {
  const campaign = await loadCampaign(DEMO);
  const { maxAttempts, retryOn } = campaign.config.retry;
  const book = new ScenarioBook();
  // parse, not safeParse: the demo PUTs this file to the simulator, which parses it the same way.
  book.set(scenarioSchema.parse(JSON.parse(await readFile(`${DEMO}/simulator-scenario.json`, 'utf8'))));

  const results: Array<{ row: ContactRow; disposition: Disposition }> = [];
  for await (const row of readContacts(campaign, { rowKeySecret: 'demo-scenario-test-secret' })) {
    if (row.status !== 'valid' || row.phoneE164 === undefined) continue;
    let attempts = 0;
    let plan: ReturnType<ScenarioBook['next']>;
    do {
      plan = book.next(row.phoneE164);
      attempts += 1;
    } while (attempts < maxAttempts && (retryOn as readonly string[]).includes(plan.status));
    const disposition = classifyDisposition(APPOINTMENT_CONFIRMATION, {
      outcome: plan.status,
      status: plan.status,
      attempts,
      goalCompleted: plan.goalCompleted,
      transcript: plan.transcript,
    });
    results.push({ row, disposition });
  }
  return results;
}

describe('the demo campaign on its simulator scenario', () => {
  it('ends in every kind of disposition', async () => {
    const results = await demoDispositions();
    expect(results).toHaveLength(22);
    const seen = new Set(results.map(({ disposition }) => disposition.disposition));
    for (const name of [
      'confirmed',
      'reschedule_requested',
      'cancel_requested',
      'wrong_person',
      'opted_out',
      'voicemail',
      'unreachable',
      'needs_review',
    ]) {
      expect(seen, name).toContain(name);
    }
  });

  it('captures the new time of each reschedule, in both languages', async () => {
    const times = (await demoDispositions())
      .filter(({ disposition }) => disposition.disposition === 'reschedule_requested')
      .map(({ row, disposition }) => [row.columns.booking_id, disposition.captured?.proposed_time]);
    expect(Object.fromEntries(times)).toEqual({
      'BK-1003': 'på fredag klockan nio',
      'BK-1012': 'next Tuesday after lunch',
      'BK-1018': 'någon eftermiddag nästa vecka',
    });
  });

  it("scripts each closing sentence in the language of the row's call", async () => {
    const campaign = await loadCampaign(DEMO);
    const languages = new Set<string>();
    for (const { row, disposition } of await demoDispositions()) {
      const closing = /closing sentence \((\w+)\)$/.exec(disposition.rule);
      if (!closing) continue;
      const callLanguage = String(row.overrides.language ?? campaign.config.call.language);
      expect(closing[1], `${row.columns.booking_id}: ${disposition.rule}`).toBe(callLanguage);
      languages.add(callLanguage);
    }
    expect([...languages].sort()).toEqual(['en', 'sv']);
  });
});
