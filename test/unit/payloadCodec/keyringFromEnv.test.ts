import { randomBytes } from 'node:crypto';
import { statSync } from 'node:fs';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { keyringFromEnv } from '../../../src/payloadCodec/keyringFromEnv.js';
import { ensureLocalCodecKeyFile, localCodecKeyFile } from '../../../src/payloadCodec/localCodecKeyFile.js';

const K1 = randomBytes(32).toString('base64');
const newDataDir = () => mkdtemp(join(tmpdir(), 'cmc-codec-keys-'));

describe('which keys a process uses', () => {
  it('CMC_CODEC_KEYS wins over a local key file', async () => {
    const dataDir = await newDataDir();
    ensureLocalCodecKeyFile(dataDir, 'ns-1');
    const keyring = await keyringFromEnv({
      CMC_CODEC_KEYS: `prod:${K1}`,
      CMC_DATA_DIR: dataDir,
      TEMPORAL_ADDRESS: '127.0.0.1:7233',
    });
    expect(keyring.encryptWith?.id).toBe('prod');
  });

  it('the local stack key file: 0600, kept across restarts, used only for its own loopback namespace', async () => {
    const dataDir = await newDataDir();
    const file = ensureLocalCodecKeyFile(dataDir, 'ns-1');
    expect(file).toBe(localCodecKeyFile(dataDir));
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const first = await readFile(file, 'utf8');
    ensureLocalCodecKeyFile(dataDir, 'ns-1');
    expect(await readFile(file, 'utf8')).toBe(first);

    const env = { CMC_CODEC_KEYS: undefined, CMC_DATA_DIR: dataDir, TEMPORAL_ADDRESS: 'localhost:7233' };
    const local = await keyringFromEnv(env, async () => 'ns-1');
    expect(local.encryptWith?.id).toMatch(/^local-\d{8}$/);
    expect(local.source).toBe(file);
    // Another server on this machine (docker compose, scripts/cluster.sh): plain, like its workers.
    expect((await keyringFromEnv(env, async () => 'ns-other')).encryptWith).toBeUndefined();
    expect((await keyringFromEnv(env, async () => undefined)).encryptWith).toBeUndefined();
    // A remote Temporal never gets the laptop's key.
    expect(
      (await keyringFromEnv({ ...env, TEMPORAL_ADDRESS: 'temporal.example.com:7233' })).encryptWith,
    ).toBe(undefined);
    // A recreated dev database (new namespace ID) keeps the key and moves the binding.
    ensureLocalCodecKeyFile(dataDir, 'ns-2');
    const rebound = await keyringFromEnv(env, async () => 'ns-2');
    expect(rebound.encryptWith?.key.equals(local.encryptWith?.key as Buffer)).toBe(true);
  });

  it('no keys at all: plain text (encode passes through)', async () => {
    const keyring = await keyringFromEnv({
      CMC_CODEC_KEYS: '  ',
      CMC_DATA_DIR: await newDataDir(),
      TEMPORAL_ADDRESS: '127.0.0.1:7233',
    });
    expect(keyring.encryptWith).toBeUndefined();
    expect(keyring.byId.size).toBe(0);
  });
});
