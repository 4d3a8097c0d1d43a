import { inject } from 'vitest';
import { freshPostgresDatabase } from './postgres.js';

/** A campaign store backend an integration test runs on: each test file gets an empty database. */
export interface StoreBackend {
  name: 'SQLite' | 'PostgreSQL';
  /** Short, for campaign IDs: each backend's runs must not meet on the shared Temporal server. */
  key: 'sqlite' | 'pg';
  /** CMC_DATABASE_URL for a new, empty store; undefined = the embedded SQLite default. */
  newDatabaseUrl(prefix: string): Promise<string | undefined>;
}

/** Both backends: the integration suite proves the product on each. */
export function storeBackends(): StoreBackend[] {
  return [
    { name: 'SQLite', key: 'sqlite', newDatabaseUrl: async () => undefined },
    {
      name: 'PostgreSQL',
      key: 'pg',
      newDatabaseUrl: (prefix) => freshPostgresDatabase(inject('postgresUrl'), prefix),
    },
  ];
}
