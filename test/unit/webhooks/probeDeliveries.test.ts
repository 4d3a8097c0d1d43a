import { describe, expect, it } from 'vitest';
import { ProbeDeliveries, probeNonce, probePath } from '../../../src/webhooks/probeDeliveries.js';

const NONCE = 'AAAAAAAAAAAAAAAAAAAAAA';

describe('doctor webhook probes, receiver side', () => {
  it('reads a nonce only from /webhook-probe/<22-64 base64url characters>', () => {
    expect(probeNonce(`/webhook-probe/${NONCE}`)).toBe(NONCE);
    for (const path of [
      '/webhook-probe/',
      '/webhook-probe/short',
      `/webhook-probe/${NONCE}/extra`,
      `/webhook-probe/${NONCE}%2F..`,
      `/webhook-probe/${'a'.repeat(65)}`,
      `/webhooks/${NONCE}`,
      `//webhook-probe/${NONCE}`,
    ])
      expect(probeNonce(path), path).toBeUndefined();
    expect(() => probePath('../etc')).toThrow(RangeError);
    expect(probePath(NONCE)).toBe(`/webhook-probe/${NONCE}`);
  });

  it('never turns a verified probe back into a rejected one', () => {
    const probes = new ProbeDeliveries();
    probes.record(NONCE, 'verified');
    probes.record(NONCE, 'signature_rejected');
    expect(probes.lookup(NONCE)?.outcome).toBe('verified');
    const other = 'B'.repeat(22);
    probes.record(other, 'signature_rejected');
    probes.record(other, 'verified');
    expect(probes.lookup(other)?.outcome).toBe('verified');
  });

  it('forgets probes after ten minutes and keeps at most 256', () => {
    let now = 0;
    const probes = new ProbeDeliveries(() => now);
    probes.record(NONCE, 'verified');
    now = 10 * 60_000 + 1;
    expect(probes.lookup(NONCE)).toBeUndefined();
    for (let index = 0; index < 300; index++)
      probes.record(`n${String(index).padStart(21, '0')}`, 'signature_rejected');
    expect(probes.lookup(`n${'0'.repeat(21)}`)).toBeUndefined();
    expect(probes.lookup(`n${String(299).padStart(21, '0')}`)?.outcome).toBe('signature_rejected');
  });
});
