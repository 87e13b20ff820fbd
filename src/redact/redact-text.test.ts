import { describe, expect, it } from 'vitest';
import { redactText } from './redact-text.js';
import { urlPasswords } from './secret-patterns.js';
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

describe('passwords inside URL values', () => {
  it('masks the password of a DATABASE_URL when it is printed alone, raw or decoded', () => {
    const url = 'postgres://app:p%40ss-w0rd-123@db.internal:5432/shop';
    expect(redactText(`url=${url}`, [url])).toBe('url=*****');
    expect(redactText("{'PASSWORD': 'p@ss-w0rd-123'}", [url])).toBe("{'PASSWORD': '*****'}");
    expect(redactText('raw p%40ss-w0rd-123', [url])).toBe('raw *****');
    expect(urlPasswords('redis://:cachepw99@cache:6379/0')).toEqual(['cachepw99']);
    expect(urlPasswords('https://example.com/path')).toEqual([]);
  });
});
