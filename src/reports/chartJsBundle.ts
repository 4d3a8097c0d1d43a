import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/**
 * Chart.js's UMD build (it defines `window.Chart`), read from node_modules to inline
 * in report.html so the report draws its charts with no network. The package only
 * exports its ESM/CJS entries, so the file is found next to the CJS one.
 */
let cached: Promise<string> | undefined;

export function chartJsUmdSource(): Promise<string> {
  cached ??= (async () => {
    const require = createRequire(import.meta.url);
    const cjsEntry = require.resolve('chart.js'); // .../chart.js/dist/chart.cjs
    return readFile(join(dirname(cjsEntry), 'chart.umd.min.js'), 'utf8');
  })().catch((error: unknown) => {
    cached = undefined; // let a later report try again
    throw error;
  });
  return cached;
}
