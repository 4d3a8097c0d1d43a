import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openCampaignStore } from '../../src/storage/campaignStore.js';
import { buildCli, cmc } from '../support/cli.js';

/** `cmc suppress` through the built CLI, on the store a worker would read. */
describe('cmc suppress (the built CLI)', () => {
  let dir: string;
  let env: NodeJS.ProcessEnv;
  beforeAll(async () => {
    await buildCli();
    dir = await mkdtemp(join(tmpdir(), 'cmc-suppress-'));
    env = { CMC_DATA_DIR: join(dir, 'data') };
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('adds, lists, exports, imports and removes numbers; what it writes is what the workers read', async () => {
    const add = await cmc(
      ['suppress', 'add', '+46 70 176 30 01', '+46701763002', '--reason', 'SMS STOP'],
      env,
    );
    expect(add.code, add.stderr).toBe(0);
    expect(add.stdout).toBe('added 2 number(s)\n');
    const again = await cmc(['suppress', 'add', '+46701763002', '--json'], env);
    expect(JSON.parse(again.stdout)).toEqual({ added: 0, alreadyListed: 1 });

    const csv = join(dir, 'nix.csv');
    await writeFile(
      csv,
      'phone,reason\n+46701763003,NIX-Telefon\n070-176 30 04,\nnot a number,\n+46701763001,duplicate\n',
    );
    const imported = await cmc(
      ['suppress', 'import', csv, '--default-country', 'SE', '--reason', 'register wash', '--json'],
      env,
    );
    expect(imported.code, imported.stderr).toBe(0);
    expect(JSON.parse(imported.stdout)).toEqual({ read: 3, added: 2, ignored: 1 });
    expect(imported.stderr).toMatch(/nix\.csv:4: suppression entry ignored/);

    const list = await cmc(['suppress', 'list', '--json'], env);
    const entries = list.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(entries.map((entry) => [entry.phoneE164, entry.reason, entry.source])).toEqual([
      ['+46701763001', 'SMS STOP', 'cli'],
      ['+46701763002', 'SMS STOP', 'cli'],
      ['+46701763003', 'NIX-Telefon', 'import nix.csv'],
      ['+46701763004', 'register wash', 'import nix.csv'],
    ]);

    const exported = await cmc(['suppress', 'export'], env);
    expect(exported.stdout.split('\r\n')[0]).toBe('phone_number,reason,source,added_at');
    expect(exported.stdout).toContain('+46701763003,NIX-Telefon,import nix.csv,');

    const removed = await cmc(['suppress', 'remove', '+46701763001', '+46701769999'], env);
    expect(removed.stdout).toBe('removed 1 number(s); 1 were not listed\n');

    const store = await openCampaignStore({ CMC_DATA_DIR: env.CMC_DATA_DIR as string });
    try {
      expect(await store.suppressions.find('+46701763001')).toBeUndefined();
      expect(await store.suppressions.find('+46701763004')).toMatchObject({ reason: 'register wash' });
    } finally {
      await store.close();
    }
  });

  it('refuses hostile or malformed input with exit 2, names it, and changes nothing', async () => {
    const before = (await cmc(['suppress', 'list', '--json'], env)).stdout;
    for (const bad of ['0701763010', '+4670176301x', "'; drop table suppressions; --", '+1 800 FLOWERS']) {
      const result = await cmc(['suppress', 'add', '+46701763011', bad], env);
      expect(result.code, bad).toBe(2);
      expect(result.stderr).toMatch(/^cmc: number 2 /);
      expect(result.stderr).toContain('E.164');
      expect(result.stderr).not.toMatch(/\n\s+at /);
    }
    const missing = await cmc(['suppress', 'import', join(dir, 'nope.csv')], env);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('no such file');
    const noColumn = join(dir, 'two-columns.csv');
    await writeFile(noColumn, 'name,city\nA,B\n');
    const unknown = await cmc(['suppress', 'import', noColumn], env);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('cannot tell which column holds the numbers');
    expect((await cmc(['suppress', 'list', '--json'], env)).stdout).toBe(before);
  });
});
