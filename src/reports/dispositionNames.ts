import { type DispositionDefinition, NEEDS_REVIEW } from '../dispositions/dispositionRules.js';

/** The disposition of a row that was never called, in the default rules. */
export const NOT_CALLED = 'not_called';

/**
 * Every disposition a campaign's rows can be given, in rule order: its definitions'
 * names (each once), then needs_review (no rule matched) and not_called, when the rules
 * do not name them. What `cmc export --only` accepts, and the names summary.json counts.
 */
export function dispositionNames(definitions: readonly DispositionDefinition[]): string[] {
  return [...new Set([...definitions.map((definition) => definition.name), NEEDS_REVIEW, NOT_CALLED])];
}
