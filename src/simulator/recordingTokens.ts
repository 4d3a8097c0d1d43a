import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Short-lived signed tokens for recording URLs: `<expiry ms>.<HMAC(recording sid,
 * ext, expiry)>`. The key is random per simulator process, so a restart
 * invalidates every URL handed out, as rotating a signing key would.
 */
export class RecordingTokens {
  private readonly key = randomBytes(32);

  constructor(
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  private mac(recordingSid: string, ext: string, expiresAt: number): Buffer {
    return createHmac('sha256', this.key).update(`${recordingSid}.${ext}.${expiresAt}`).digest();
  }

  issue(recordingSid: string, ext: string): { token: string; expiresAt: Date } {
    const expiresAt = this.now() + this.ttlMs;
    const token = `${expiresAt}.${this.mac(recordingSid, ext, expiresAt).toString('base64url')}`;
    return { token, expiresAt: new Date(expiresAt) };
  }

  /** True only for an unexpired token issued for exactly this recording and format. */
  verify(token: string | null, recordingSid: string, ext: string): boolean {
    const match = token === null ? null : /^(\d{1,16})\.([A-Za-z0-9_-]{43})$/.exec(token);
    if (!match?.[1] || !match[2]) return false;
    const expiresAt = Number(match[1]);
    if (expiresAt <= this.now()) return false;
    // Compare the encoded text, so a non-canonical base64url spelling of the MAC is rejected too.
    const given = Buffer.from(match[2]);
    const expected = Buffer.from(this.mac(recordingSid, ext, expiresAt).toString('base64url'));
    return given.length === expected.length && timingSafeEqual(given, expected);
  }
}
