import { randomBytes } from 'node:crypto';

/** Twilio-style identifiers: a two-letter prefix and 32 lowercase hex characters. */
function prefixed(prefix: string): string {
  return `${prefix}${randomBytes(16).toString('hex')}`;
}

export const newCallSid = (): string => prefixed('CA');
export const newRecordingSid = (): string => prefixed('RE');
export const newVerificationId = (): string => prefixed('VA');
export const newVoiceId = (): string => randomBytes(10).toString('hex');
export const newOAuthState = (): string => randomBytes(16).toString('hex');
