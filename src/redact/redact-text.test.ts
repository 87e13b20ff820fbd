import { describe, expect, it } from 'vitest';
import { redactText } from './redact-text.js';
import { compileMaskSet } from './stream-masker.js';

describe('redactText', () => {
  it('redacts secrets and their encodings in one string', () => {
    const secret = 'tok/en+val=ue';
    const text = `a ${secret} b ${encodeURIComponent(secret)} c ${Buffer.from(secret).toString('base64')} d`;
    expect(redactText(text, [secret])).toBe('a ***** b ***** c ***** d');
    expect(redactText(text, compileMaskSet([secret]))).toBe('a ***** b ***** c ***** d');
    expect(redactText('nothing', [secret])).toBe('nothing');
    expect(redactText('ends with tok/en+val', [secret])).toBe('ends with tok/en+val');
  });
});
