import { describe, expect, it } from 'vitest';
import { createAcl } from './acl.js';
import { parsePolicy } from './policy-parser.js';
import { ROOT_POLICY } from './builtin-policies.js';
import { hasAccessBelow } from './mount-access.js';

function acl(hcl: string) {
  return createAcl([parsePolicy('p', hcl)]);
}

describe('hasAccessBelow', () => {
  it.each([
    ['path "secret/data/app/*" { capabilities = ["read"] }', 'secret/', true],
    ['path "secret/*" { capabilities = ["list"] }', 'secret/', true],
    ['path "*" { capabilities = ["read"] }', 'team/kv/', true],
    ['path "sec*" { capabilities = ["read"] }', 'secret/', true],
    ['path "+/data/app" { capabilities = ["read"] }', 'secret/', true],
    ['path "team/*" { capabilities = ["read"] }', 'team/kv/', true],
    ['path "other/*" { capabilities = ["read"] }', 'secret/', false],
    ['path "secretive/*" { capabilities = ["read"] }', 'secret/', false],
    ['path "team" { capabilities = ["read"] }', 'team/kv/', false],
    ['path "secret/*" { capabilities = ["deny"] }', 'secret/', false],
  ])('%s on %s → %s', (policy, mount, expected) => {
    expect(hasAccessBelow(acl(policy), mount)).toBe(expected);
  });

  it('root sees every mount', () => {
    expect(hasAccessBelow(createAcl([ROOT_POLICY]), 'anything/')).toBe(true);
    expect(hasAccessBelow(createAcl([]), 'anything/')).toBe(false);
  });
});
