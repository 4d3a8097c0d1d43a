import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { KEY_BYTES } from './codecKeys.js';

/**
 * The local stack's key file: `<CMC_DATA_DIR>/codec-keys`, mode 0600, holding
 * `<id>:<base64>` lines and the ID of the dev server namespace it belongs to. `cmc dev`
 * and `npm run demo` create it so the embedded stack is encrypted too; commands run
 * against that same namespace read it. The namespace ID binds it: another server on
 * this machine (docker compose, scripts/cluster.sh) has other namespace IDs, so a
 * laptop's key never encrypts payloads that server's workers cannot read.
 */
export function localCodecKeyFile(dataDir: string): string {
  return resolve(join(dataDir, 'codec-keys'));
}

export interface LocalCodecKeys {
  file: string;
  /** The key lines, in CMC_CODEC_KEYS syntax. */
  keys: string;
  /** The Temporal namespace ID the keys belong to. */
  namespaceId: string | undefined;
}

const NAMESPACE_LINE = /^#\s*namespace-id\s+(\S+)\s*$/m;

export function readLocalCodecKeyFile(dataDir: string): LocalCodecKeys | undefined {
  const file = localCodecKeyFile(dataDir);
  if (!existsSync(file)) return undefined;
  const text = readFileSync(file, 'utf8');
  return {
    file,
    keys: text
      .split('\n')
      .filter((line) => !line.trim().startsWith('#'))
      .join('\n'),
    namespaceId: NAMESPACE_LINE.exec(text)?.[1],
  };
}

/**
 * Creates the local key file with a fresh random key unless it exists, and binds it to
 * `namespaceId` (a recreated dev database has a new namespace ID; its keys stay).
 */
export function ensureLocalCodecKeyFile(dataDir: string, namespaceId: string): string {
  const file = localCodecKeyFile(dataDir);
  const existing = readLocalCodecKeyFile(dataDir);
  const keys =
    existing?.keys.trim() ||
    `local-${new Date().toISOString().slice(0, 10).replaceAll('-', '')}:${randomBytes(KEY_BYTES).toString('base64')}`;
  if (existing?.namespaceId === namespaceId) return file;
  mkdirSync(dataDir, { recursive: true });
  const text =
    '# Payload encryption keys of the local stack (cmc dev / npm run demo). Keep this file private.\n' +
    `# namespace-id ${namespaceId}\n${keys}\n`;
  writeFileSync(file, text, { mode: 0o600 });
  chmodSync(file, 0o600);
  return file;
}
