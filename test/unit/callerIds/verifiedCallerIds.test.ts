import { describe, expect, it } from 'vitest';
import { verificationIdOf, verifiedCallerIds } from '../../../src/callerIds/verifiedCallerIds.js';

describe('verified caller IDs as the API answers them', () => {
  it('reads both shapes the reference leaves open and drops entries without a number', () => {
    expect(
      verifiedCallerIds({
        caller_ids: [{ phone_number: '+46701234567', verified_at: '2026-01-01T00:00:00Z' }, {}],
      }),
    ).toEqual([{ phoneNumber: '+46701234567', verifiedAt: '2026-01-01T00:00:00Z' }]);
    expect(verifiedCallerIds(['+46701234567', { phoneNumber: '+46701234568' }, 42, null])).toEqual([
      { phoneNumber: '+46701234567' },
      { phoneNumber: '+46701234568' },
    ]);
    expect(verifiedCallerIds({})).toEqual([]);
  });

  it('finds the verification id under either name', () => {
    expect(verificationIdOf({ verification_id: 'VA1' })).toBe('VA1');
    expect(verificationIdOf({ id: 'VA2' })).toBe('VA2');
    expect(verificationIdOf({})).toBeUndefined();
  });
});
