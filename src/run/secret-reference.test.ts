import { describe, expect, it } from 'vitest';
import { fetchKey, isReference, parseReference } from './secret-reference.js';

describe('hush:// references', () => {
  it('parses mount path, key and version', () => {
    expect(parseReference('hush://secret/myapp/production#DB_PASSWORD')).toEqual({ path: 'secret/myapp/production', key: 'DB_PASSWORD' });
    expect(parseReference('hush://secret/myapp/production?version=3#DB_PASSWORD')).toEqual({
      path: 'secret/myapp/production',
      key: 'DB_PASSWORD',
      version: 3,
    });
    expect(parseReference('hush://secret/app#KEY?version=2')).toEqual({ path: 'secret/app', key: 'KEY', version: 2 });
    expect(parseReference('hush://secret/app#my%20key')).toEqual({ path: 'secret/app', key: 'my key' });
  });

  it('rejects malformed references', () => {
    for (const bad of ['hush://secret/app', 'hush://secret/app#', 'hush://secret#K', 'hush://secret/app#K?v=1', 'hush://secret/../x#K']) {
      expect(() => parseReference(bad), bad).toThrow(/bad reference/);
    }
  });

  it('recognises references and names fetches', () => {
    expect(isReference('hush://x/y#z')).toBe(true);
    expect(isReference('https://x')).toBe(false);
    expect(fetchKey('secret/a')).toBe('secret/a');
    expect(fetchKey('secret/a', 2)).toBe('secret/a?version=2');
  });
});
