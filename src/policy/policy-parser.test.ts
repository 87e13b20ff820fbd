/**
 * @module Tests of policy parsing: HCL and JSON give the same Policy, merging of repeated
 * patterns, validation of capabilities, patterns and keys, and error messages with positions.
 */
import { describe, expect, it } from 'vitest';
import { isHushError } from '../lib/errors.js';
import { DEFAULT_POLICY_TEXT, ROOT_POLICY, isBuiltinPolicyName } from './builtin-policies.js';
import { createAcl } from './acl.js';
import { parsePolicy } from './policy-parser.js';

const HCL = `
# KV access for the app
path "secret/data/app/*" {
  capabilities = ["create", "read", "update", "list"]
  allowed_parameters = {
    "env" = ["dev", "prod-*"]
    "*"   = []
  }
  denied_parameters = { "admin" = [] }
  required_parameters = ["Env"]
  min_wrapping_ttl = "1s"
  max_wrapping_ttl = "1h30m"
}

path "sys/+/health" { capabilities = ["read", "sudo"] }
`;

const JSON_FORM = JSON.stringify({
  path: {
    'secret/data/app/*': {
      capabilities: ['create', 'read', 'update', 'list'],
      allowed_parameters: { env: ['dev', 'prod-*'], '*': [] },
      denied_parameters: { admin: [] },
      required_parameters: ['Env'],
      min_wrapping_ttl: '1s',
      max_wrapping_ttl: 5400,
    },
    'sys/+/health': { capabilities: ['read', 'sudo'] },
  },
});

function errorOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    if (isHushError(err, 'bad_request')) return err.message;
    throw err;
  }
  throw new Error('expected a bad_request error');
}

describe('parsePolicy', () => {
  it('gives the same Policy for HCL and JSON', () => {
    const fromHcl = parsePolicy('App', HCL);
    const fromJson = parsePolicy('app', JSON_FORM);
    expect(fromHcl).toEqual(fromJson);
    expect(fromHcl.name).toBe('app');
    const [kv, sys] = fromHcl.rules;
    expect(kv).toMatchObject({
      path: 'secret/data/app/*',
      isPrefix: true,
      hasSegmentWildcard: false,
      requiredParameters: ['env'],
      minWrappingTtl: 1,
      maxWrappingTtl: 5400,
    });
    expect([...kv!.capabilities]).toEqual(['create', 'read', 'update', 'list']);
    expect(kv!.allowedParameters).toEqual(new Map([['env', ['dev', 'prod-*']], ['*', []]]));
    expect(sys).toMatchObject({ path: 'sys/+/health', isPrefix: false, hasSegmentWildcard: true });
  });

  it('accepts the JSON list form of "path"', () => {
    const p = parsePolicy('x', '{"path": [{"a/*": {"capabilities": ["read"]}}, {"b": {"capabilities": ["list"]}}]}');
    expect(p.rules.map((r) => r.path)).toEqual(['a/*', 'b']);
  });

  it('merges several blocks of the same pattern as Vault does', () => {
    const p = parsePolicy(
      'x',
      `path "a" { capabilities = ["read"]
  allowed_parameters = { "k" = ["1"] } }
path "b" { capabilities = ["list"] }
path "a" { capabilities = ["update"]
  allowed_parameters = { "k" = ["2"] } }`,
    );
    expect(p.rules).toHaveLength(2);
    expect([...p.rules[0]!.capabilities].sort()).toEqual(['read', 'update']);
    expect(p.rules[0]!.allowedParameters?.get('k')).toEqual(['1', '2']);
  });

  it('keeps only deny when a rule lists deny', () => {
    expect([...parsePolicy('x', 'path "a" { capabilities = ["read", "deny"] }').rules[0]!.capabilities]).toEqual(['deny']);
  });

  it('accepts subscribe and recover, comments, heredoc-free syntax variants', () => {
    const p = parsePolicy(
      'x',
      `// slashes
/* block
   comment */ path "a" {
  capabilities = ["subscribe", "recover",] ; comment = "why"
}`,
    );
    expect([...p.rules[0]!.capabilities]).toEqual(['subscribe', 'recover']);
  });

  it('parses an empty policy to no rules', () => {
    expect(parsePolicy('empty', '  # nothing\n').rules).toEqual([]);
  });

  it('returns the root policy for "root" with no text and refuses to write it', () => {
    expect(parsePolicy('ROOT', '')).toBe(ROOT_POLICY);
    expect(errorOf(() => parsePolicy('root', 'path "a" { capabilities = ["read"] }'))).toBe('cannot update "root" policy');
  });

  it('rejects an empty name', () => {
    expect(errorOf(() => parsePolicy('  ', ''))).toMatch(/name/);
  });

  it.each([
    ['unknown capability', 'path "a" {\n  capabilities = ["read", "raed"]\n}', /unknown capability "raed" \(valid: create, read, .*\), line 2:27$/],
    ['"*" in the middle', 'path "a/*/b" {\n  capabilities = ["read"]\n}', /"\*" is only allowed at the end of a pattern, line 1:6$/],
    ['"+" inside a segment', 'path "a/b+/c" { capabilities = ["read"] }', /"\+" must be a whole path segment, line 1:6/],
    ['unknown key in a rule', 'path "a" {\n  capability = ["read"]\n}', /invalid key "capability", line 2:3$/],
    ['unknown top-level key', 'paths "a" { capabilities = ["read"] }', /invalid key "paths" \(expected "path"\), line 1:1$/],
    ['capabilities not a list', 'path "a" { capabilities = "read" }', /capabilities must be a list, line 1:27/],
    ['bad duration', 'path "a" {\n  capabilities = ["read"]\n  min_wrapping_ttl = "soon"\n}', /min_wrapping_ttl must be a duration.*line 3:22$/],
    ['max below min', 'path "a" { \n capabilities = ["read"]\n min_wrapping_ttl = "1h"\n max_wrapping_ttl = "1m" }', /max_wrapping_ttl cannot be less than min_wrapping_ttl/],
    ['control groups are refused', 'path "a" {\n capabilities = ["read"]\n control_group = {}\n}', /control_group is not supported by Hush, line 3:2/],
    ['duplicate key', 'path "a" {\n capabilities = ["read"]\n capabilities = ["list"]\n}', /duplicate key "capabilities", line 3:2/],
    ['unterminated string', 'path "a {\n}', /unterminated string, line 1:6$/],
    ['missing brace', 'path "a" {\n  capabilities = ["read"]\n', /unclosed "\{", missing "\}", line 1:10$/],
    ['missing equals', 'path "a" {\n  capabilities ["read"]\n}', /expected "=" or "\{" after "capabilities", found "\[", line 2:16$/],
    ['unclosed list', 'path "a" {\n  capabilities = ["read"\n}', /expected "," or "\]" in list, found "\}", line 3:1$/],
    ['bad escape', 'path "a\\q" { capabilities = [] }', /invalid escape "\\q" in string, line 1:8$/],
    ['stray character', 'path "a" { capabilities = [read] }', /expected a value, found "read", line 1:28$/],
    ['unterminated comment', '/* never closed\npath "a" {}', /unterminated \/\* comment, line 1:1$/],
    ['bad JSON', '{"path": {"a": {"capabilities": ["read"]},}}\n}', /line 2:1$/],
    ['bad legacy policy', 'path "a" { policy = "admin" }', /unknown policy "admin"/],
  ])('rejects %s with a position', (_what, text, pattern) => {
    const message = errorOf(() => parsePolicy('x', text));
    expect(message).toMatch(/^failed to parse policy: /);
    expect(message).toMatch(pattern);
  });
});

describe('builtin policies', () => {
  it('the default policy parses and grants what Vault\'s default grants', () => {
    const p = parsePolicy('default', DEFAULT_POLICY_TEXT);
    const acl = createAcl([p], { templateValues: { 'identity.entity.id': 'ent-1' } });
    expect(acl.allowOperation('auth/token/lookup-self', 'read').allowed).toBe(true);
    expect(acl.allowOperation('auth/token/renew-self', 'update').allowed).toBe(true);
    expect(acl.allowOperation('auth/token/revoke-self', 'update').allowed).toBe(true);
    expect(acl.allowOperation('sys/capabilities-self', 'update').allowed).toBe(true);
    expect(acl.allowOperation('cubbyhole/mine', 'create').allowed).toBe(true);
    expect(acl.allowOperation('sys/wrapping/unwrap', 'update').allowed).toBe(true);
    expect(acl.allowOperation('sys/tools/hash/sha2-256', 'update').allowed).toBe(true);
    expect(acl.allowOperation('sys/leases/lookup', 'update').allowed).toBe(true);
    expect(acl.allowOperation('identity/entity/id/ent-1', 'read').allowed).toBe(true);
    expect(acl.allowOperation('identity/entity/id/ent-2', 'read').allowed).toBe(false);
    expect(acl.allowOperation('secret/data/x', 'read').allowed).toBe(false);
    expect(acl.allowOperation('auth/token/create', 'update').allowed).toBe(false);
  });

  it('root and default are the builtin names', () => {
    expect(isBuiltinPolicyName('Root')).toBe(true);
    expect(isBuiltinPolicyName('default')).toBe(true);
    expect(isBuiltinPolicyName('app')).toBe(false);
  });
});
