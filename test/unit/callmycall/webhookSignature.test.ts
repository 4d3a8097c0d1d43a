import { describe, expect, it } from 'vitest';
import {
  computeSignature,
  DEFAULT_TOLERANCE_SECONDS,
  signatureHeader,
  verifySignature,
} from '../../../src/callmycall/webhookSignature.js';

const SECRET = 'whsec_test_secret';
const NOW = 1_739_511_142;
const BODY = JSON.stringify({
  event: 'call_completed',
  call_id: 'CA1',
  sid: 'CA1',
  timestamp: NOW,
  data: {},
});

describe('webhook signatures', () => {
  it('accepts a body signed with the secret within the tolerance', () => {
    const header = signatureHeader(SECRET, BODY, NOW);
    expect(header).toMatch(/^t=1739511142,v1=[0-9a-f]{64}$/);
    expect(verifySignature(header, BODY, { secrets: SECRET, nowSeconds: NOW + 10 })).toEqual({
      ok: true,
      timestamp: NOW,
      signature: computeSignature(SECRET, NOW, BODY),
    });
    expect(verifySignature(header, Buffer.from(BODY), { secrets: SECRET, nowSeconds: NOW })).toMatchObject({
      ok: true,
    });
  });

  it('rejects a tampered body', () => {
    const header = signatureHeader(SECRET, BODY, NOW);
    const tampered = BODY.replace('call_completed', 'call_started');
    expect(verifySignature(header, tampered, { secrets: SECRET, nowSeconds: NOW })).toEqual({
      ok: false,
      reason: 'bad_signature',
    });
    expect(verifySignature(header, `${BODY} `, { secrets: SECRET, nowSeconds: NOW })).toMatchObject({
      ok: false,
    });
  });

  it('rejects a signature made with another secret', () => {
    const header = signatureHeader('whsec_other', BODY, NOW);
    expect(verifySignature(header, BODY, { secrets: SECRET, nowSeconds: NOW })).toEqual({
      ok: false,
      reason: 'bad_signature',
    });
  });

  it('rejects a timestamp that was moved, even within tolerance', () => {
    const signature = computeSignature(SECRET, NOW, BODY);
    expect(
      verifySignature(`t=${NOW + 1},v1=${signature}`, BODY, { secrets: SECRET, nowSeconds: NOW }),
    ).toEqual({
      ok: false,
      reason: 'bad_signature',
    });
  });

  it('rejects stale and future timestamps outside the tolerance, in both directions', () => {
    const header = signatureHeader(SECRET, BODY, NOW);
    const at = (now: number, toleranceSeconds?: number) =>
      verifySignature(
        header,
        BODY,
        toleranceSeconds === undefined
          ? { secrets: SECRET, nowSeconds: now }
          : { secrets: SECRET, nowSeconds: now, toleranceSeconds },
      );
    expect(at(NOW + DEFAULT_TOLERANCE_SECONDS)).toMatchObject({ ok: true });
    expect(at(NOW + DEFAULT_TOLERANCE_SECONDS + 1)).toEqual({ ok: false, reason: 'stale' });
    expect(at(NOW - DEFAULT_TOLERANCE_SECONDS - 1)).toEqual({ ok: false, reason: 'stale' });
    expect(at(NOW + 61, 60)).toEqual({ ok: false, reason: 'stale' });
    expect(at(NOW + 59, 60)).toMatchObject({ ok: true });
  });

  it('reports a missing header', () => {
    for (const header of [undefined, null, '', '   ']) {
      expect(verifySignature(header, BODY, { secrets: SECRET, nowSeconds: NOW })).toEqual({
        ok: false,
        reason: 'missing_header',
      });
    }
  });

  it('reports malformed headers', () => {
    const good = computeSignature(SECRET, NOW, BODY);
    const malformed = [
      'garbage',
      `v1=${good}`, // no timestamp
      `t=${NOW}`, // no signature
      `t=abc,v1=${good}`,
      `t=${NOW},v1=nothex`,
      `t=${NOW},v1=${good.slice(0, 10)}`,
      `t=${NOW},t=${NOW},v1=${good}`,
      `t=${NOW},,v1=${good}`,
    ];
    for (const header of malformed) {
      expect(verifySignature(header, BODY, { secrets: SECRET, nowSeconds: NOW }), header).toEqual({
        ok: false,
        reason: 'malformed_header',
      });
    }
  });

  it('accepts any one of several v1 values and ignores unknown schemes', () => {
    const good = computeSignature(SECRET, NOW, BODY);
    const wrong = computeSignature('whsec_old', NOW, BODY);
    const header = `t=${NOW},v0=legacy,v1=${wrong},v1=${good.toUpperCase()}`;
    expect(verifySignature(header, BODY, { secrets: SECRET, nowSeconds: NOW })).toMatchObject({ ok: true });
    expect(
      verifySignature(`t=${NOW},v1=${wrong},v1=${wrong}`, BODY, { secrets: SECRET, nowSeconds: NOW }),
    ).toEqual({ ok: false, reason: 'bad_signature' });
  });

  it('accepts any one of several secrets during rotation', () => {
    const oldHeader = signatureHeader('whsec_old', BODY, NOW);
    const newHeader = signatureHeader('whsec_new', BODY, NOW);
    const secrets = ['whsec_new', 'whsec_old'];
    expect(verifySignature(oldHeader, BODY, { secrets, nowSeconds: NOW })).toMatchObject({ ok: true });
    expect(verifySignature(newHeader, BODY, { secrets, nowSeconds: NOW })).toMatchObject({ ok: true });
    expect(verifySignature(oldHeader, BODY, { secrets: ['whsec_new'], nowSeconds: NOW })).toEqual({
      ok: false,
      reason: 'bad_signature',
    });
    expect(verifySignature(oldHeader, BODY, { secrets: [], nowSeconds: NOW })).toMatchObject({ ok: false });
  });

  it('never accepts a signature made with an empty key, even if an empty secret is passed in', () => {
    const emptyKeyHeader = signatureHeader('', BODY, NOW);
    for (const secrets of [[], '', [''], ['  '], [SECRET, '']]) {
      expect(
        verifySignature(emptyKeyHeader, BODY, { secrets, nowSeconds: NOW }),
        JSON.stringify(secrets),
      ).toEqual({
        ok: false,
        reason: Array.isArray(secrets) && secrets.includes(SECRET) ? 'bad_signature' : 'no_secret',
      });
    }
    // The real secret in the same list still works.
    expect(
      verifySignature(signatureHeader(SECRET, BODY, NOW), BODY, { secrets: [SECRET, ''], nowSeconds: NOW }),
    ).toMatchObject({ ok: true });
  });
});
