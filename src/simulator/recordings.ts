import { HttpError, sendJson } from './http.js';
import { mp3Recording, wavRecording } from './recordingAudio.js';
import type { RouteContext } from './router.js';

const FORMATS = { mp3: 'audio/mpeg', wav: 'audio/wav' } as const;
type Format = keyof typeof FORMATS;
const isFormat = (value: string): value is Format => Object.hasOwn(FORMATS, value);

const NO_RECORDING = 'Recording not found for this call';

/**
 * GET /v1/calls/:callSid/recording?format=mp3|wav: a short-lived signed URL. A call
 * has a recording once it completed after connecting, unless start-call turned
 * recording off (see StartCallRequest.recording).
 */
export function recordingUrl({ res, url, params, sim }: RouteContext): void {
  const format = url.searchParams.get('format') ?? 'mp3';
  if (!isFormat(format)) throw new HttpError(400, 'format must be mp3 or wav');
  const call = sim.registry.get(params.callId ?? '');
  if (!call) throw new HttpError(404, 'Call not found');
  const hasRecording =
    call.status === 'completed' && (call.durationSeconds ?? 0) > 0 && call.request.recording;
  if (!hasRecording) throw new HttpError(404, NO_RECORDING);
  const { token, expiresAt } = sim.recordingTokens.issue(call.recordingSid, format);
  const location = new URL(`/v1/recordings/${call.recordingSid}.${format}`, sim.publicUrl);
  location.searchParams.set('token', token);
  sendJson(res, 200, { recording_url: location.toString(), expires_at: expiresAt.toISOString() });
}

/** GET /v1/recordings/:sid.:ext?token=: the audio bytes, authorized by the token alone. */
export function recordingBytes({ res, url, params, sim }: RouteContext): void {
  const ext = params.ext ?? '';
  if (!isFormat(ext)) throw new HttpError(400, 'Unsupported recording format; use mp3 or wav');
  const recordingSid = params.recordingSid ?? '';
  if (!sim.recordingTokens.verify(url.searchParams.get('token'), recordingSid, ext)) {
    throw new HttpError(403, 'Invalid or expired recording token');
  }
  const call = sim.registry.getByRecordingSid(recordingSid);
  if (!call) throw new HttpError(404, 'Recording not found');
  const audio =
    ext === 'mp3' ? mp3Recording() : wavRecording(call.durationSeconds ?? 0, call.transcripts.length);
  res.writeHead(200, {
    'content-type': FORMATS[ext],
    'content-length': audio.length,
    'content-disposition': `inline; filename="${recordingSid}.${ext}"`,
    'cache-control': 'private, no-store',
  });
  res.end(audio);
}
