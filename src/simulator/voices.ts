import { HttpError, readBody, sendJson } from './http.js';
import { newVoiceId } from './ids.js';
import type { RouteContext } from './router.js';

/**
 * POST /v1/elevenlabs/voices: multipart `name` + one or more `files`. Parsed with
 * the WHATWG Request/formData() built into Node 20, so no multipart dependency.
 */
export async function cloneVoice({ req, res, sim }: RouteContext): Promise<void> {
  const contentType = req.headers['content-type'] ?? '';
  if (!/^multipart\/form-data/i.test(contentType)) {
    throw new HttpError(400, 'Expected multipart/form-data with name and files');
  }
  const body = await readBody(req);
  let form: FormData;
  try {
    form = await new Request('http://simulator/v1/elevenlabs/voices', {
      method: 'POST',
      headers: { 'content-type': contentType },
      body,
    }).formData();
  } catch {
    throw new HttpError(400, 'Malformed multipart body');
  }
  const name = form.get('name');
  if (typeof name !== 'string' || name.trim() === '') throw new HttpError(400, 'name is required');
  const files = [...form.getAll('files'), ...form.getAll('files[]')].filter(
    (value) => typeof value !== 'string' && value.size > 0,
  );
  if (files.length === 0) throw new HttpError(400, 'files are required (at least one audio sample)');
  const voiceId = newVoiceId();
  sim.voices.push({
    voice_id: voiceId,
    name: name.trim(),
    remove_background_noise: form.get('remove_background_noise') === 'true',
    files: files.map((file) => {
      const blob = file as File;
      return { filename: blob.name, type: blob.type, size: blob.size };
    }),
    created_at: new Date().toISOString(),
  });
  sendJson(res, 200, { voice_id: voiceId, name: name.trim() });
}
