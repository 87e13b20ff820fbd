import { describe, expect, it } from 'vitest';
import { replacementValue } from './replacement-value.js';
import { valueForms } from './value-fingerprints.js';

describe('replacementValue', () => {
  it('keeps length and every character class, drawing symbols only from the old value', () => {
    for (let i = 0; i < 200; i++) {
      const fresh = replacementValue('aB3$x');
      expect(fresh).toHaveLength(5);
      expect(fresh).not.toBe('aB3$x');
      for (const cls of [/[a-z]/, /[A-Z]/, /[0-9]/, /\$/]) expect(fresh).toMatch(cls);
      expect(fresh).toMatch(/^[a-zA-Z0-9$]+$/);
    }
  });

  it('keeps hex as hex in its case, base64 padding as padding, and changes one-symbol values', () => {
    expect(replacementValue('0123456789abcdef0123')).toMatch(/^[0-9a-f]{20}$/);
    expect(replacementValue('0123456789ABCDEF0123')).toMatch(/^[0-9A-F]{20}$/);
    expect(replacementValue('c2VjcmV0IQ==')).toMatch(/^[A-Za-z0-9]{10}==$/);
    const dashes = replacementValue('--------');
    expect(dashes).toHaveLength(8);
    expect(dashes).not.toBe('--------');
  });
});

describe('valueForms', () => {
  it('lists each distinct form once', () => {
    // base64url equals unpadded base64 when there is no + or /; JSON and URL forms equal plain.
    expect(valueForms('plainvalue').map((f) => f.encoding)).toEqual(['plain', 'base64', 'base64-unpadded']);
    const odd = valueForms('a b"c/d+e?~~~>>>');
    expect(odd.map((f) => f.encoding)).toEqual(['plain', 'base64', 'base64-unpadded', 'base64url', 'url', 'json']);
    expect(odd.find((f) => f.encoding === 'base64url')?.text).toBe('YSBiImMvZCtlP35-fj4-Pg');
  });
});
