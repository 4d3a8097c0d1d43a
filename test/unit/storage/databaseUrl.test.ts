import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DatabaseUrlError, parseDatabaseUrl } from '../../../src/storage/databaseUrl.js';

describe('CMC_DATABASE_URL', () => {
  it('defaults to one SQLite file in the data folder', () => {
    expect(parseDatabaseUrl(undefined, '/srv/cmc')).toEqual({
      kind: 'sqlite',
      path: '/srv/cmc/campaigns.db',
    });
    expect(parseDatabaseUrl('  ', '/srv/cmc')).toEqual({ kind: 'sqlite', path: '/srv/cmc/campaigns.db' });
  });

  it('takes sqlite:PATH, relative to the working folder or absolute', () => {
    expect(parseDatabaseUrl('sqlite:data/x.db', '/srv')).toEqual({
      kind: 'sqlite',
      path: join(process.cwd(), 'data/x.db'),
    });
    expect(parseDatabaseUrl('sqlite:///var/lib/cmc.db', '/srv')).toEqual({
      kind: 'sqlite',
      path: '/var/lib/cmc.db',
    });
  });

  it('takes postgres:// and postgresql:// URLs as they are', () => {
    const url = 'postgres://cmc:s3cret@db.internal:5432/cmc';
    expect(parseDatabaseUrl(url, '/srv')).toEqual({ kind: 'postgres', url });
    expect(parseDatabaseUrl('postgresql://db/cmc', '/srv').kind).toBe('postgres');
  });

  it.each([
    'mysql://root:hunter2@db/cmc',
    'postgres://',
    'sqlite:',
    'sqlite:a\u0000b',
    'hunter2',
    'file:///etc/passwd',
  ])('refuses %j naming the variable, never echoing a password', (value) => {
    let error: unknown;
    try {
      parseDatabaseUrl(value, '/srv');
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(DatabaseUrlError);
    const message = (error as Error).message;
    expect(message).toMatch(/^CMC_DATABASE_URL: /);
    expect(message).not.toContain('hunter2');
    expect(message).not.toContain('/etc/passwd');
  });
});
