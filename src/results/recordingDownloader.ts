import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { redactSecrets } from '../callmycall/errors.js';
import type { Logger } from '../logging/logger.js';
import { writeFileAtomic } from './atomicFile.js';
import {
  hasAudioSignature,
  isExpectedContentType,
  mediaTypeOf,
  RECORDING_FORMATS,
  type RecordingFormat,
} from './audioFormat.js';
import { assertSafePathSegment } from './pathSegment.js';

/** The two client calls a download needs; `CallMyCallClient` has both. */
export interface RecordingSource {
  getRecordingUrl(
    sid: string,
    format: RecordingFormat,
  ): Promise<{ recording_url: string; expires_at: string }>;
  downloadRecording(url: string): Promise<{ contentType: string; bytes: Uint8Array }>;
}

export interface DownloadRecordingInput {
  client: RecordingSource;
  sid: string;
  format: RecordingFormat;
  campaignId: string;
  rowKey: string;
  attempt: number;
  /** The reports root; the file goes to `<reportsDir>/<campaignId>/recordings/`. */
  reportsDir: string;
  /** Largest recording accepted. Default 200 MiB. */
  maxBytes?: number;
  /** How many times an expired signed URL is replaced by a fresh one. Default 2. */
  maxUrlRefreshes?: number;
  logger?: Logger;
  now?: () => number;
}

export const DEFAULT_MAX_RECORDING_BYTES = 200 * 1024 * 1024;

/** The recording exists but what came back is not a usable audio file of that format. */
export class RecordingDownloadError extends Error {
  override readonly name = 'RecordingDownloadError';
}

/** Every signed URL we were given had expired before its bytes could be read. */
export class RecordingUrlExpiredError extends Error {
  override readonly name = 'RecordingUrlExpiredError';
}

/** `recordings/<rowKey>-<attempt>.<ext>`: the path the report links to, relative to its folder. */
export function recordingRelativePath(rowKey: string, attempt: number, format: RecordingFormat): string {
  return `recordings/${assertSafePathSegment('rowKey', rowKey)}-${attempt}.${format}`;
}

/**
 * Saves one call's recording into the campaign's report folder and returns its
 * relative path. Safe to run twice: a non-empty file already there is returned
 * without asking the API again. Signed URLs expire, so an expired one (403/410 on the
 * download, or an `expires_at` already past) is replaced by a fresh one. Neither the
 * signed URL nor its token ever appears in an error or a log line.
 *
 * Errors from the client (NotFoundError when the call has no recording, ...) pass
 * through unchanged.
 */
export async function downloadRecording(input: DownloadRecordingInput): Promise<string> {
  const { client, sid, format, campaignId, rowKey, attempt } = input;
  if (!RECORDING_FORMATS.includes(format)) throw new RangeError(`unknown recording format ${String(format)}`);
  if (!Number.isInteger(attempt) || attempt < 1) throw new RangeError('attempt must be a positive integer');
  const relativePath = recordingRelativePath(rowKey, attempt, format);
  const absolutePath = join(input.reportsDir, assertSafePathSegment('campaignId', campaignId), relativePath);
  if (await isNonEmptyFile(absolutePath)) return relativePath;

  const maxBytes = input.maxBytes ?? DEFAULT_MAX_RECORDING_BYTES;
  const maxRefreshes = input.maxUrlRefreshes ?? 2;
  const now = input.now ?? Date.now;
  const log = input.logger?.child({ sid, campaignId, rowKey, attempt, format });

  for (let refreshes = 0; refreshes <= maxRefreshes; refreshes += 1) {
    const signed = await client.getRecordingUrl(sid, format);
    const url = signed.recording_url;
    const expiresAt = Date.parse(signed.expires_at);
    const lastTry = refreshes === maxRefreshes;
    // On the last try download anyway: a clock running ahead must not block every try.
    if (!lastTry && Number.isFinite(expiresAt) && expiresAt <= now()) {
      log?.warn({ refreshes }, 'signed recording URL already expired; asking for a new one');
      continue;
    }
    let download: { contentType: string; bytes: Uint8Array };
    try {
      download = await client.downloadRecording(url);
    } catch (error) {
      if (isExpiredUrlError(error)) {
        log?.warn({ refreshes }, 'signed recording URL expired during download; asking for a new one');
        continue;
      }
      throw withoutUrl(error, url);
    }
    checkRecording(download, format, maxBytes, sid);
    await writeFileAtomic(absolutePath, download.bytes);
    log?.info({ bytes: download.bytes.length }, 'recording saved');
    return relativePath;
  }
  throw new RecordingUrlExpiredError(
    `recording of call ${sid} (${format}): every signed URL expired before download (${maxRefreshes + 1} tried)`,
  );
}

function checkRecording(
  download: { contentType: string; bytes: Uint8Array },
  format: RecordingFormat,
  maxBytes: number,
  sid: string,
): void {
  const what = `recording of call ${sid} (${format})`;
  if (!isExpectedContentType(format, download.contentType)) {
    throw new RecordingDownloadError(
      `${what}: unexpected content type ${JSON.stringify(mediaTypeOf(download.contentType))}`,
    );
  }
  const size = download.bytes.length;
  if (size === 0) throw new RecordingDownloadError(`${what}: empty file`);
  if (size > maxBytes)
    throw new RecordingDownloadError(`${what}: ${size} bytes is over the ${maxBytes}-byte cap`);
  if (!hasAudioSignature(format, download.bytes)) {
    throw new RecordingDownloadError(`${what}: the bytes are not ${format.toUpperCase()} audio`);
  }
}

/** 403/410 on a signed URL means its token expired; a client may also name the error so. */
export function isExpiredUrlError(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { status, name, code } = error as { status?: unknown; name?: unknown; code?: unknown };
  if (status === 403 || status === 410) return true;
  return [name, code].some((value) => typeof value === 'string' && /expired/i.test(value));
}

/** Rethrows as is unless the message shows the signed URL or its token. */
function withoutUrl(error: unknown, url: string): unknown {
  if (!(error instanceof Error)) return error;
  const redacted = redactSecrets(error.message, [url]);
  if (redacted === error.message) return error;
  return new RecordingDownloadError(redacted);
}

async function isNonEmptyFile(path: string): Promise<boolean> {
  try {
    const info = await stat(path);
    return info.isFile() && info.size > 0;
  } catch {
    return false;
  }
}
