/** What an operator can do to a live call from `cmc call`. */
export const CALL_ACTION_NAMES = ['end', 'transfer', 'update', 'activate', 'drop-user'] as const;
export type CallActionName = (typeof CALL_ACTION_NAMES)[number];

/** One operator action on a row's live call, as its result carries it. */
export interface CallAction {
  attempt: number;
  sid: string;
  action: CallActionName;
  /** The request as sent (destination, warm, task, max_duration...): never a secret. */
  parameters: Record<string, string | number | boolean>;
  /** What the operator was told: "ended", "transferred (cold)", "refused: ...". */
  outcome: string;
  at: string;
}
