/** The names campaign.json `callingRules` accepts; each is defined in callingRules.ts. */
export const CALLING_RULE_SETS = ['us-tcpa'] as const;
export type CallingRuleSet = (typeof CALLING_RULE_SETS)[number];
