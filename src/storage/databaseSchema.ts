/**
 * The tables of the campaign store, the same in SQLite and PostgreSQL (created by
 * ./migrations.ts). JSON documents are stored as text in both, so one set of queries
 * serves both dialects. Times are ISO 8601 text.
 */
export interface CampaignTables {
  campaigns: {
    campaign_id: string;
    name: string;
    /** The PreparedManifest: the plan as run, the call options, where the contacts came from. */
    manifest: string;
    /** sha256 of the contacts file as read at prepare time. */
    source_digest: string;
    total_rows: number;
    valid_rows: number;
    prepared_at: string;
  };
  /** Every data row of the contacts file, as classified at prepare time. */
  campaign_rows: {
    campaign_id: string;
    line: number;
    row_key: string;
    status: string;
    /** 0, 1, 2... over the valid rows in file order (the order calls are made); null otherwise. */
    valid_index: number | null;
    /** The StoredRow document (phone, task, columns, reason...). */
    data: string;
  };
  /** The attempt ledger: one row per start-call attempt, claimed before sending. */
  attempts: {
    client_request_id: string;
    campaign_id: string;
    row_key: string;
    attempt: number;
    state: string;
    sid: string | null;
    reason: string | null;
    at: string;
    /** The number dialled, for frequency caps across campaigns (null before migration 0003). */
    phone_e164: string | null;
  };
  row_results: {
    campaign_id: string;
    row_key: string;
    line: number;
    outcome: string;
    attempt_count: number;
    /** The RowResult document. */
    result: string;
    recorded_at: string;
  };
  /** Result webhook events (the outbox): see resultEventStore.ts. */
  result_events: {
    event_id: string;
    campaign_id: string;
    event_type: string;
    /** The JSON body as sent, byte for byte on every try. */
    body: string;
    /** pending | delivered | dead | stopped */
    state: string;
    tries: number;
    last_error: string | null;
    created_at: string;
    settled_at: string | null;
  };
  /** A resultWebhook setting kept for a campaign that has no manifest (failed before it was prepared). */
  result_webhook_destinations: {
    campaign_id: string;
    /** The ResultWebhookSetting as JSON. */
    setting: string;
  };
  /** The deployment-wide do-not-call list: see suppressionStore.ts. */
  suppressions: {
    phone_e164: string;
    reason: string | null;
    /** Who or what added it: "cli", "import <file>", "opted out: campaign <id> line <n>". */
    source: string;
    added_at: string;
  };
  /** Each attempt's dial-time checks (the audit): see dialCheckStore.ts. */
  dial_checks: {
    client_request_id: string;
    campaign_id: string;
    row_key: string;
    attempt: number;
    /** dialled | waiting | suppressed | capped */
    decision: string;
    /** The DialCheck list, as JSON. */
    checks: string;
    first_checked_at: string;
    checked_at: string;
  };
  /** Operators' actions on live calls (end, transfer, update): see callActionStore.ts. */
  call_actions: {
    id: string;
    campaign_id: string;
    row_key: string;
    attempt: number;
    sid: string;
    /** end | transfer | update */
    action: string;
    /** The request's parameters as JSON (no secrets). */
    parameters: string;
    /** What the operator was told, e.g. "ended" or "refused: call is not live". */
    outcome: string;
    at: string;
  };
}
