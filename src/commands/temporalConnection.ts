import { Client, Connection, WorkflowNotFoundError } from '@temporalio/client';
import type { Env } from '../config/env.js';
import { ConfigError, loadEnv } from '../config/env.js';
import { campaignWorkflowId } from '../engine/ids.js';
import { configuredKeyring } from '../payloadCodec/keyringFromEnv.js';
import { namespaceIdLookup } from '../payloadCodec/namespaceIdLookup.js';
import { dataConverterFromEnv } from '../temporal/dataConverter.js';
import type { campaignWorkflow } from '../workflows/campaignWorkflow.js';
import { CliError, ExitCode } from './exitCodes.js';
import { startupCheck } from './startupCheck.js';

/** How long a command waits for Temporal before saying it is not there. */
const CONNECT_TIMEOUT_MS = 3_000;

export interface TemporalSession {
  env: Env;
  client: Client;
  close(): Promise<void>;
}

/** The environment, with a bad variable reported as a usage error (named, never its value). */
export function loadCliEnv(): Env {
  try {
    return loadEnv();
  } catch (error) {
    if (error instanceof ConfigError) throw new CliError(error.message, ExitCode.usage);
    throw error;
  }
}

/** The message for an unreachable Temporal: what was tried and how to start one locally. */
export function temporalUnavailableMessage(address: string, namespace: string): string {
  return (
    `cannot reach Temporal at ${address} (namespace "${namespace}").\n` +
    'Start the local stack with `cmc dev` (or `npm run demo -- --keep`), ' +
    'or point TEMPORAL_ADDRESS at your Temporal server.'
  );
}

/**
 * Connects to Temporal with a short timeout and checks the namespace answers, so an
 * unreachable server is reported at once as ExitCode.unavailable with what to do about it.
 */
export async function connectTemporal(env: Env = loadCliEnv()): Promise<TemporalSession> {
  // A malformed CMC_CODEC_KEYS is a usage error before anything connects.
  startupCheck(() => configuredKeyring(env));
  let connection: Connection;
  try {
    connection = await Connection.connect({
      address: env.TEMPORAL_ADDRESS,
      connectTimeout: CONNECT_TIMEOUT_MS,
    });
  } catch {
    throw new CliError(
      temporalUnavailableMessage(env.TEMPORAL_ADDRESS, env.TEMPORAL_NAMESPACE),
      ExitCode.unavailable,
    );
  }
  const dataConverter = await dataConverterFromEnv(
    env,
    namespaceIdLookup(connection.workflowService, env.TEMPORAL_NAMESPACE),
  );
  return {
    env,
    client: new Client({ connection, namespace: env.TEMPORAL_NAMESPACE, dataConverter }),
    close: () => connection.close(),
  };
}

/** Runs `body` with a connected client and always closes the connection. */
export async function withTemporal<T>(body: (session: TemporalSession) => Promise<T>): Promise<T> {
  const session = await connectTemporal();
  try {
    return await body(session);
  } finally {
    await session.close();
  }
}

/**
 * The handle of campaign `campaignId` (its latest run, past any continue-as-new) and
 * its description; an unknown ID is a CliError naming it with ExitCode.notFound.
 */
export async function describeCampaign(client: Client, campaignId: string) {
  const handle = client.workflow.getHandle<typeof campaignWorkflow>(campaignWorkflowId(campaignId));
  try {
    const description = await handle.describe();
    return { handle, description };
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) throw campaignNotFound(campaignId);
    throw error;
  }
}

export function campaignNotFound(campaignId: string): CliError {
  return new CliError(
    `no campaign with ID "${campaignId}" (workflow ${campaignWorkflowId(campaignId)}); \`cmc list\` shows the campaigns`,
    ExitCode.notFound,
  );
}

/** A positive whole number of seconds as "1h 02m 03s". */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const rest = s % 60;
  if (h > 0) return `${h}h ${String(m).padStart(2, '0')}m ${String(rest).padStart(2, '0')}s`;
  if (m > 0) return `${m}m ${String(rest).padStart(2, '0')}s`;
  return `${rest}s`;
}

/** The handle of a campaign that is still running; a finished one is a CliError saying how it ended. */
export async function runningCampaign(client: Client, campaignId: string, verb: string) {
  const { handle, description } = await describeCampaign(client, campaignId);
  if (description.status.name !== 'RUNNING') {
    throw new CliError(
      `cannot ${verb} campaign ${campaignId}: it is no longer running (${description.status.name.toLowerCase()})`,
      ExitCode.failure,
    );
  }
  return handle;
}
