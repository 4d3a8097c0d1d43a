/**
 * Writes src/campaign/campaign.schema.json from the zod campaign schema, so editors
 * can autocomplete and check campaign.json files (they point at it with "$schema").
 * Run after changing campaignSchema.ts: npx tsx scripts/export-campaign-schema.ts
 * (a unit test fails while the committed file is stale).
 */
import { execFileSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { campaignJsonSchema } from '../src/campaign/campaignSchema.js';

const target = fileURLToPath(new URL('../src/campaign/campaign.schema.json', import.meta.url));
await writeFile(target, `${JSON.stringify(campaignJsonSchema(), null, 2)}\n`);
// Format it the way `biome check` expects, so the lint stays clean after a re-export.
const biome = fileURLToPath(new URL('../node_modules/.bin/biome', import.meta.url));
execFileSync(biome, ['format', '--write', target], { stdio: 'ignore' });
console.log(`wrote ${target}`);
