import { isAbsolute, join, resolve } from 'node:path';

/** Where the campaign store lives, from `CMC_DATABASE_URL`. */
export type DatabaseLocation = { kind: 'sqlite'; path: string } | { kind: 'postgres'; url: string };

export class DatabaseUrlError extends Error {
  override readonly name = 'DatabaseUrlError';
}

/** The embedded default: one SQLite file in the data folder. */
export const DEFAULT_SQLITE_FILE = 'campaigns.db';

/**
 * `CMC_DATABASE_URL` unset or empty: `<dataDir>/campaigns.db`; `sqlite:PATH` (relative
 * to the working folder): that file; `postgres://` or `postgresql://`: PostgreSQL.
 * The URL may hold a password, so an error names the variable and the scheme, never
 * the value.
 */
export function parseDatabaseUrl(value: string | undefined, dataDir: string): DatabaseLocation {
  const text = value?.trim() ?? '';
  if (text === '') return { kind: 'sqlite', path: resolve(join(dataDir, DEFAULT_SQLITE_FILE)) };
  if (text.startsWith('sqlite:')) {
    const path = text.slice('sqlite:'.length).replace(/^\/\/(?=\/)/, '');
    if (path === '' || path.includes('\0'))
      throw new DatabaseUrlError(
        'CMC_DATABASE_URL: sqlite: needs a file path, e.g. sqlite:.data/campaigns.db',
      );
    return { kind: 'sqlite', path: isAbsolute(path) ? path : resolve(path) };
  }
  if (/^postgres(ql)?:\/\//i.test(text)) {
    try {
      const url = new URL(text);
      if (!url.hostname && !url.searchParams.get('host')) throw new Error('no host');
    } catch {
      throw new DatabaseUrlError(
        'CMC_DATABASE_URL: not a valid postgres:// URL (postgres://user:password@host:5432/db)',
      );
    }
    return { kind: 'postgres', url: text };
  }
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(text)?.[1];
  throw new DatabaseUrlError(
    `CMC_DATABASE_URL: ${scheme ? `"${scheme.slice(0, 20)}:"` : 'the value'} is not supported; use sqlite:PATH or postgres://…`,
  );
}
