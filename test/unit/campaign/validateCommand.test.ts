import { fileURLToPath } from 'node:url';
import { CommanderError } from 'commander';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { CliError, ExitCode } from '../../../src/commands/exitCodes.js';
import { makeCampaignDir } from './campaignFixture.js';
import { runValidate } from './runValidate.js';

const EXAMPLE = fileURLToPath(new URL('../../../campaigns/appointment-confirmation', import.meta.url));

afterEach(() => {
  vi.restoreAllMocks();
});

describe('cmc validate', () => {
  it('prints the full result with --json for the example campaign, and exits 0', async () => {
    const { stdout, error } = await runValidate(EXAMPLE, '--json');
    expect(error).toBeUndefined();
    const result = JSON.parse(stdout);
    expect(result).toMatchObject({
      rows: 26,
      valid: 22,
      invalid: [
        { line: 15, column: 'phone_number', reason: '"070-17406" is not a valid number for SE' },
        { line: 27, column: 'appointment_time', reason: expect.stringMatching(/^empty appointment_time/) },
      ],
      duplicates: [{ line: 16, duplicateOf: 2 }],
      suppressed: [{ line: 20 }],
      errors: [],
      canRun: true,
    });
  });

  it('prints a human summary with counts, money, capacity and problems by line', async () => {
    const { stdout, error } = await runValidate(EXAMPLE);
    expect(error).toBeUndefined();
    expect(stdout).toContain('Campaign "Appointment confirmation"');
    expect(stdout).toMatch(/rows\s+26/);
    expect(stdout).toMatch(/valid\s+22/);
    expect(stdout).toMatch(/invalid\s+2\s+\(invalid phone number 1, empty value needed by a template 1\)/);
    expect(stdout).toMatch(/duplicates\s+1/);
    expect(stdout).toMatch(/suppressed\s+1/);
    expect(stdout).toMatch(/Countries\s+SE 18/);
    expect(stdout).toMatch(/Estimated credits\s+66 \(budget 500/);
    expect(stdout).toMatch(/Calls per day\s+2,880/);
    expect(stdout).toMatch(/line 15\s+phone_number: "070-17406"/);
    expect(stdout).toMatch(/line 16\s+duplicate of line 2/);
    expect(stdout).toContain('OK: 22 call(s) ready; 4 row(s) will not be called.');
  });

  it('exits 1 (failure) when the campaign cannot run, after printing why', async () => {
    const dir = await makeCampaignDir({ contacts: 'name,phone_number\nAnna,0701740601\n' });
    const { stdout, error } = await runValidate(dir);
    expect(error).toBeInstanceOf(CliError);
    expect((error as CliError).exitCode).toBe(ExitCode.failure);
    expect(stdout).toMatch(/error: .*contacts.csv:1: no "first_name" column/);
    expect(stdout).toContain('NOT READY');

    const json = await runValidate(dir, '--json');
    expect((json.error as CliError).exitCode).toBe(ExitCode.failure);
    expect(JSON.parse(json.stdout)).toMatchObject({
      canRun: false,
      errors: [{ line: 1, column: 'first_name' }],
    });
  });

  it('lists at most 20 problems', async () => {
    const rows = Array.from({ length: 30 }, (_, index) => `P${index},12${index}`);
    const dir = await makeCampaignDir({
      contacts: `first_name,phone_number\nAnna,0701740601\n${rows.join('\n')}\n`,
    });
    const { stdout } = await runValidate(dir);
    expect(stdout).toContain('Problems (first 20 of 30):');
    expect(stdout.match(/^ {2}line /gm)).toHaveLength(20);
  });

  it('rejects a malformed --date as a usage error', async () => {
    for (const date of ['2026-3-2', '2026-02-30']) {
      const { error } = await runValidate(EXAMPLE, '--date', date);
      expect(error).toBeInstanceOf(CommanderError);
      expect((error as CommanderError).code).toBe('commander.invalidArgument');
    }
  });
});
