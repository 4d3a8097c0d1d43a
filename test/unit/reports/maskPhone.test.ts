import { describe, expect, it } from 'vitest';
import { maskPhone } from '../../../src/reports/maskPhone.js';

describe('maskPhone', () => {
  it('keeps the country code and the first and last two digits', () => {
    expect(maskPhone('+46701234567')).toBe('+46 70•••••67');
    expect(maskPhone('+442079460958')).toBe('+44 20••••••58');
    expect(maskPhone('+12025550143')).toBe('+1 20••••••43');
  });

  it('masks what it cannot parse and shows nothing for no number', () => {
    expect(maskPhone('+999123456789')).toBe('+9•••••••••89');
    expect(maskPhone(undefined)).toBe('');
  });
});
