import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { bundleWorkflowCode } from '@temporalio/worker';
import { failureConverterPath } from './dataConverter.js';
import { workflowsPath } from './workflowsPath.js';

/** Where `npm run build` leaves the workflow bundle: dist/workflow-bundle.js, beside the compiled code. */
const bundleFile = fileURLToPath(new URL('../workflow-bundle.js', import.meta.url));

/**
 * The prebuilt workflow bundle, when running from dist/ after `npm run build`: a worker
 * that loads it starts in a second and never holds webpack in memory. Undefined when
 * running from src/ (tests, tsx), where the worker bundles the workflows itself.
 */
export function prebuiltWorkflowBundle(): string | undefined {
  return existsSync(bundleFile) ? bundleFile : undefined;
}

/** Bundles the compiled workflows once, at build time (`npm run build`). */
export async function writeWorkflowBundle(): Promise<string> {
  // The failure converter runs inside the sandbox too: workflow failures are encoded there.
  const { code } = await bundleWorkflowCode({
    workflowsPath: workflowsPath(),
    failureConverterPath: failureConverterPath(),
  });
  await writeFile(bundleFile, code);
  return bundleFile;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  console.log(`workflow bundle written to ${await writeWorkflowBundle()}`);
}
