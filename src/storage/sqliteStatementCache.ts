import type Database from 'libsql';

type Connection = Database.Database;
type Statement = Database.Statement;

/**
 * libsql's database with its prepared statements kept, most recently used first.
 * Kysely's SqliteDriver prepares every statement it runs; compiling the same few
 * queries again for every claim, settle and result was a third of their cost.
 * Statements never run concurrently: Kysely holds its one connection per query.
 */
export function withStatementCache(sqlite: Connection, size = 200) {
  const statements = new Map<string, Statement>();
  return {
    prepare(sql: string): Statement {
      let statement = statements.get(sql);
      if (statement === undefined) {
        statement = sqlite.prepare(sql);
        if (statements.size >= size) statements.delete(statements.keys().next().value as string);
      } else statements.delete(sql);
      statements.set(sql, statement);
      return statement;
    },
    close(): void {
      statements.clear();
      sqlite.close();
    },
  };
}
