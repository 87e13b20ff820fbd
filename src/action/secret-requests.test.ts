import { describe, expect, it } from 'vitest';
import { ActionError } from './action-error.js';
import { normalizeKey, parseSecretRequests } from './secret-requests.js';

describe('the secrets input', () => {
  it("reads hashicorp/vault-action's syntax, split by ; and line breaks, with comments", () => {
    const input = [
      'secret/data/ci/aws accessKey | AWS_ACCESS_KEY_ID ;',
      '  secret/data/ci/aws   secretKey|AWS_SECRET_ACCESS_KEY',
      '# secret/data/ci/old key',
      '/cubbyhole/foo zip ; secret/data/ci npm_token',
      '',
    ].join('\n');
    expect(parseSecretRequests(input)).toEqual([
      { entry: 'secret/data/ci/aws accessKey | AWS_ACCESS_KEY_ID', location: { kind: 'api', path: 'secret/data/ci/aws' }, selector: { kind: 'key', key: 'accessKey' }, name: 'AWS_ACCESS_KEY_ID' },
      { entry: 'secret/data/ci/aws   secretKey|AWS_SECRET_ACCESS_KEY', location: { kind: 'api', path: 'secret/data/ci/aws' }, selector: { kind: 'key', key: 'secretKey' }, name: 'AWS_SECRET_ACCESS_KEY' },
      { entry: '/cubbyhole/foo zip', location: { kind: 'api', path: 'cubbyhole/foo' }, selector: { kind: 'key', key: 'zip' } },
      { entry: 'secret/data/ci npm_token', location: { kind: 'api', path: 'secret/data/ci' }, selector: { kind: 'key', key: 'npm_token' } },
    ]);
  });

  it('reads wildcards: * upper-cases, ** keeps the case, the name is a prefix', () => {
    expect(parseSecretRequests('secret/data/ci/aws * | MYAPP_; secret/data/ci/aws **').map((r) => [r.selector, r.name])).toEqual([
      [{ kind: 'all', upperCase: true }, 'MYAPP_'],
      [{ kind: 'all', upperCase: false }, undefined],
    ]);
  });

  it('reads hush:// references, with a version', () => {
    expect(parseSecretRequests('hush://secret/shop/prod?version=3#DB_PASSWORD | PGPASSWORD\nhush://secret/shop/prod#API_KEY')).toEqual([
      { entry: 'hush://secret/shop/prod?version=3#DB_PASSWORD | PGPASSWORD', location: { kind: 'reference', path: 'secret/shop/prod', version: 3 }, selector: { kind: 'key', key: 'DB_PASSWORD' }, name: 'PGPASSWORD' },
      { entry: 'hush://secret/shop/prod#API_KEY', location: { kind: 'reference', path: 'secret/shop/prod' }, selector: { kind: 'key', key: 'API_KEY' } },
    ]);
  });

  it('refuses malformed entries with the entry and the expected shape', () => {
    const cases: Array<[string, RegExp]> = [
      ['secret/data/ci', /secrets entry "secret\/data\/ci": expected "API_PATH KEY \| NAME"/],
      ['secret/data/ci a b', /expected "API_PATH KEY \| NAME"/],
      ['secret/data/ci key |', /the name after \| must be letters, digits, _ or -/],
      ['secret/data/ci key | BAD=NAME', /the name after \|/],
      ['secret/../sys key', /bad path/],
      ['hush://secret/shop/prod', /missing #KEY/],
      ['secret/data/ci $$', /leaves no name; add "\| NAME"/],
    ];
    for (const [input, message] of cases) {
      expect(() => parseSecretRequests(input), input).toThrow(ActionError);
      expect(() => parseSecretRequests(input), input).toThrow(message);
    }
  });

  it("normalises keys into names as vault-action does", () => {
    expect(normalizeKey('db.password')).toBe('db__password');
    expect(normalizeKey('api-key!')).toBe('api-key');
    expect(normalizeKey('clé')).toBe('clé');
  });
});
