import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_ROW_KEY_SECRET,
  DEFAULT_SIMULATOR_API_KEY,
  DEFAULT_WEBHOOK_SECRET,
  loadEnv,
} from '../../../src/config/env.js';
import { webhookSecrets } from '../../../src/config/webhookSecrets.js';
import { SIMULATOR_DEFAULTS } from '../../../src/simulator/options.js';

const root = join(import.meta.dirname, '../../..');

describe('the public local defaults', () => {
  it('are what the environment falls back to', () => {
    const env = loadEnv({});
    expect(env.CALLMYCALL_API_KEY).toBe(DEFAULT_SIMULATOR_API_KEY);
    expect(env.CALLMYCALL_WEBHOOK_SECRET).toBe(DEFAULT_WEBHOOK_SECRET);
    expect(env.CMC_ROW_KEY_SECRET).toBe(DEFAULT_ROW_KEY_SECRET);
  });

  it('include a webhook secret the receiver accepts, so the local stack starts on the defaults', () => {
    expect(webhookSecrets(loadEnv({}))).toEqual([DEFAULT_WEBHOOK_SECRET]);
  });

  it('are what the simulator signs and authenticates with, so `cmc dev` works on them', () => {
    expect(SIMULATOR_DEFAULTS.webhookSecret).toBe(DEFAULT_WEBHOOK_SECRET);
    expect(SIMULATOR_DEFAULTS.apiKey).toBe(DEFAULT_SIMULATOR_API_KEY);
  });

  it('are named, not restated, in the docs', () => {
    for (const doc of ['README.md', 'docs/DEPLOY.md']) {
      const text = readFileSync(join(root, doc), 'utf8');
      for (const value of [DEFAULT_WEBHOOK_SECRET, DEFAULT_ROW_KEY_SECRET, 'whsec_sim_secret'])
        expect(text, doc).not.toContain(value);
    }
  });
});
