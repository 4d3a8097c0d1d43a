import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * The workflow bundle's entry point: the TypeScript source when running from src/
 * (tests, tsx), the compiled file when running from dist/.
 */
export function workflowsPath(): string {
  const ts = fileURLToPath(new URL('../workflows/index.ts', import.meta.url));
  return existsSync(ts) ? ts : fileURLToPath(new URL('../workflows/index.js', import.meta.url));
}
