/**
 * @module Table-driven checks of the ACL against Vault's documented policy semantics
 * (developer.hashicorp.com/vault/docs/concepts/policies): deny by default, exact beats glob, the
 * five priority rules between globs, union of identical patterns, deny wins, root, sudo, LIST
 * trailing slashes, parameter constraints, wrapping TTLs and templated paths.
 */
import { describe, expect, it } from 'vitest';
import { createAcl } from './acl.js';
import type { AclOperation } from './acl.js';
import { ROOT_POLICY } from './builtin-policies.js';
import { parsePolicy } from './policy-parser.js';
import type { Policy } from './policy.js';

interface Case {
  /** Which documented rule the case checks. */
  readonly rule: string;
  /** Policy texts (named p0, p1 …) or `root`. */
  readonly policies: readonly string[];
  readonly path: string;
  readonly op: AclOperation;
  readonly data?: Record<string, unknown>;
  readonly wrap?: number;
  readonly templates?: Record<string, string>;
  readonly allowed: boolean;
  readonly sudo?: boolean;
}

const rule = (path: string, caps: string, extra = '') => `path "${path}" {\n  capabilities = [${caps}]\n${extra}}\n`;
const R = '"read"';
const U = '"update"';

const cases: readonly Case[] = [
  // Deny by default.
  { rule: 'an empty policy grants nothing (deny by default)', policies: [''], path: 'secret/foo', op: 'read', allowed: false },
  { rule: 'no matching path: deny by default', policies: [rule('secret/foo', R)], path: 'kv/foo', op: 'read', allowed: false },
  // Exact paths.
  { rule: 'exact path grants its capability', policies: [rule('secret/foo', R)], path: 'secret/foo', op: 'read', allowed: true, sudo: false },
  { rule: 'exact path grants only listed capabilities', policies: [rule('secret/foo', R)], path: 'secret/foo', op: 'update', allowed: false },
  { rule: 'exact path does not cover sub-paths', policies: [rule('secret/foo', R)], path: 'secret/foo/bar', op: 'read', allowed: false },
  { rule: 'exact path does not cover longer names', policies: [rule('secret/foo', R)], path: 'secret/foobar', op: 'read', allowed: false },
  { rule: 'a leading "/" in the request path is ignored', policies: [rule('secret/foo', R)], path: '/secret/foo', op: 'read', allowed: true },
  { rule: 'a leading "/" in the policy path is ignored', policies: [rule('/secret/foo', R)], path: 'secret/foo', op: 'read', allowed: true },
  // Glob `*` (prefix match).
  { rule: '"*" at the end is a prefix match', policies: [rule('secret/*', R)], path: 'secret/foo', op: 'read', allowed: true },
  { rule: '"*" matches across segments', policies: [rule('secret/*', R)], path: 'secret/a/b/c', op: 'read', allowed: true },
  { rule: '"secret/*" does not match "secret"', policies: [rule('secret/*', R)], path: 'secret', op: 'read', allowed: false },
  { rule: '"*" is not segment-bound: "secret/foo*" matches "secret/foobar"', policies: [rule('secret/foo*', R)], path: 'secret/foobar', op: 'read', allowed: true },
  { rule: '"secret/foo*" matches "secret/foo/bar"', policies: [rule('secret/foo*', R)], path: 'secret/foo/bar', op: 'read', allowed: true },
  { rule: '"*" alone matches every path', policies: [rule('*', R)], path: 'sys/mounts', op: 'read', allowed: true },
  // Exact beats glob.
  { rule: 'an exact match beats a glob', policies: [rule('secret/*', '"create"') + rule('secret/foo', R)], path: 'secret/foo', op: 'read', allowed: true },
  { rule: 'the exact rule alone decides; the glob is not merged in', policies: [rule('secret/*', '"create"') + rule('secret/foo', R)], path: 'secret/foo', op: 'create', allowed: false },
  { rule: 'the glob still covers other paths', policies: [rule('secret/*', '"create"') + rule('secret/foo', R)], path: 'secret/bar', op: 'create', allowed: true },
  { rule: 'an exact grant beats a glob deny', policies: [rule('secret/*', '"deny"') + rule('secret/foo', R)], path: 'secret/foo', op: 'read', allowed: true },
  // Segment wildcard `+`.
  { rule: '"+" matches one segment', policies: [rule('secret/+/teamb', R)], path: 'secret/foo/teamb', op: 'read', allowed: true },
  { rule: '"+" does not match several segments', policies: [rule('secret/+/teamb', R)], path: 'secret/foo/bar/teamb', op: 'read', allowed: false },
  { rule: '"+" does not match zero segments', policies: [rule('secret/+/teamb', R)], path: 'secret/teamb', op: 'read', allowed: false },
  { rule: '"+" may be the first segment', policies: [rule('+/config', R)], path: 'kv/config', op: 'read', allowed: true },
  { rule: 'several "+" segments', policies: [rule('secret/+/+', R)], path: 'secret/a/b', op: 'read', allowed: true },
  { rule: '"+" patterns without "*" match an exact number of segments', policies: [rule('secret/+/+', R)], path: 'secret/a/b/c', op: 'read', allowed: false },
  { rule: '"+" combined with a trailing "*" glob', policies: [rule('secret/+/x*', R)], path: 'secret/a/xyz/deep', op: 'read', allowed: true },
  { rule: '"secret/+/*" matches below one segment', policies: [rule('secret/+/*', R)], path: 'secret/a/b', op: 'read', allowed: true },
  { rule: '"secret/+/*" needs the segment after "+"', policies: [rule('secret/+/*', R)], path: 'secret/a', op: 'read', allowed: false },
  // Priority 1: the first wildcard later wins.
  { rule: 'priority 1: first wildcard occurring later wins ("secret/a/+" over "secret/*")', policies: [rule('secret/*', R) + rule('secret/a/+', U)], path: 'secret/a/b', op: 'read', allowed: false },
  { rule: 'priority 1: the winner grants its own capabilities', policies: [rule('secret/*', R) + rule('secret/a/+', U)], path: 'secret/a/b', op: 'update', allowed: true },
  { rule: 'priority 1: "secret/b*" (glob at 8) beats "secret/+/c" (wildcard at 7)', policies: [rule('secret/+/c', R) + rule('secret/b*', U)], path: 'secret/b/c', op: 'read', allowed: false },
  { rule: 'priority 1: longest prefix among plain globs', policies: [rule('secret/*', R) + rule('secret/app/*', U)], path: 'secret/app/x', op: 'update', allowed: true },
  { rule: 'priority 1: the shorter prefix does not add capabilities', policies: [rule('secret/*', R) + rule('secret/app/*', U)], path: 'secret/app/x', op: 'read', allowed: false },
  { rule: 'priority 1 applies across policies', policies: [rule('secret/*', R), rule('secret/app/*', U)], path: 'secret/app/x', op: 'read', allowed: false },
  { rule: 'priority 1 across trie depths: "a/*" beats "+/b/c" (wildcard at 0)', policies: [rule('+/b/c', R) + rule('a/*', U)], path: 'a/b/c', op: 'read', allowed: false },
  { rule: 'priority 1 across trie depths: "a/b/c*" beats "a/+/c"', policies: [rule('a/+/c', R) + rule('a/b/c*', U)], path: 'a/b/c', op: 'update', allowed: true },
  // Priority 2: ending in "*" loses.
  { rule: 'priority 2: a pattern ending in "*" loses to one that does not', policies: [rule('secret/*', U) + rule('secret/+/c', R)], path: 'secret/b/c', op: 'read', allowed: true },
  { rule: 'priority 2: the "*" pattern adds nothing', policies: [rule('secret/*', U) + rule('secret/+/c', R)], path: 'secret/b/c', op: 'update', allowed: false },
  // Priority 3: fewer "+" wins.
  { rule: 'priority 3: fewer "+" segments win', policies: [rule('secret/+/+/d', U) + rule('secret/+/c/d', R)], path: 'secret/b/c/d', op: 'read', allowed: true },
  { rule: 'priority 3: more "+" segments lose', policies: [rule('secret/+/+/d', U) + rule('secret/+/c/d', R)], path: 'secret/b/c/d', op: 'update', allowed: false },
  // Priority 4: longer wins.
  { rule: 'priority 4: the longer pattern wins', policies: [rule('secret/+/c*', R) + rule('secret/+/cd*', U)], path: 'secret/b/cde', op: 'update', allowed: true },
  { rule: 'priority 4: the shorter pattern loses', policies: [rule('secret/+/c*', R) + rule('secret/+/cd*', U)], path: 'secret/b/cde', op: 'read', allowed: false },
  // Priority 5: lexicographically larger wins.
  { rule: 'priority 5: lexicographically larger wins ("a/+/b/+" > "a/+/+/c")', policies: [rule('a/+/b/+', R) + rule('a/+/+/c', U)], path: 'a/x/b/c', op: 'read', allowed: true },
  { rule: 'priority 5: the smaller pattern loses', policies: [rule('a/+/b/+', R) + rule('a/+/+/c', U)], path: 'a/x/b/c', op: 'update', allowed: false },
  // Same pattern: union.
  { rule: 'same pattern in several policies: capabilities are unioned', policies: [rule('secret/*', R), rule('secret/*', U)], path: 'secret/x', op: 'update', allowed: true },
  { rule: 'union keeps the first policy\'s capabilities', policies: [rule('secret/*', R), rule('secret/*', U)], path: 'secret/x', op: 'read', allowed: true },
  { rule: 'same pattern twice in one policy: merged', policies: [rule('secret/x', R) + rule('secret/x', U)], path: 'secret/x', op: 'update', allowed: true },
  { rule: 'different patterns are not unioned: only the highest priority match counts', policies: [rule('secret/*', R), rule('secret/foo', U)], path: 'secret/foo', op: 'read', allowed: false },
  // Deny.
  { rule: 'deny on the same pattern in another policy wins', policies: [rule('secret/foo', R), rule('secret/foo', '"deny"')], path: 'secret/foo', op: 'read', allowed: false },
  { rule: 'deny next to other capabilities in one rule wins', policies: [rule('secret/foo', '"read", "deny"')], path: 'secret/foo', op: 'read', allowed: false },
  { rule: 'deny on the chosen glob', policies: [rule('secret/*', '"deny"')], path: 'secret/x', op: 'list', allowed: false },
  { rule: 'deny also removes sudo', policies: [rule('sys/foo', '"read", "sudo"'), rule('sys/foo', '"deny"')], path: 'sys/foo', op: 'read', allowed: false, sudo: false },
  // Sudo.
  { rule: 'sudo is reported with the operation', policies: [rule('sys/audit', '"read", "sudo"')], path: 'sys/audit', op: 'read', allowed: true, sudo: true },
  { rule: 'sudo-check passes with sudo', policies: [rule('sys/audit', '"sudo"')], path: 'sys/audit', op: 'sudo-check', allowed: true, sudo: true },
  { rule: 'sudo-check fails without sudo', policies: [rule('sys/audit', R)], path: 'sys/audit', op: 'sudo-check', allowed: false, sudo: false },
  { rule: 'sudo alone does not grant an operation', policies: [rule('sys/audit', '"sudo"')], path: 'sys/audit', op: 'read', allowed: false, sudo: true },
  // Root.
  { rule: 'root allows everything', policies: ['root'], path: 'sys/anything', op: 'delete', allowed: true, sudo: true },
  { rule: 'root has sudo everywhere', policies: ['root'], path: 'sys/audit', op: 'sudo-check', allowed: true, sudo: true },
  { rule: 'root is not restricted by deny in other policies', policies: ['root', rule('*', '"deny"')], path: 'secret/x', op: 'read', allowed: true, sudo: true },
  // LIST and trailing slashes.
  { rule: 'LIST implies a trailing slash: rule "secret/metadata/" matches', policies: [rule('secret/metadata/', '"list"')], path: 'secret/metadata', op: 'list', allowed: true },
  { rule: 'LIST: a rule without the trailing slash also matches', policies: [rule('secret/metadata', '"list"')], path: 'secret/metadata/', op: 'list', allowed: true },
  { rule: 'LIST: "secret/metadata/*" covers listing "secret/metadata"', policies: [rule('secret/metadata/*', '"list"')], path: 'secret/metadata', op: 'list', allowed: true },
  { rule: 'LIST: "+" patterns without a trailing slash match too', policies: [rule('+/sys/policies/acl', '"list"')], path: 'ns/sys/policies/acl/', op: 'list', allowed: true },
  { rule: 'only LIST gets the trailing-slash leeway', policies: [rule('secret/metadata', R)], path: 'secret/metadata/', op: 'read', allowed: false },
  { rule: 'read capability does not grant list', policies: [rule('secret/*', R)], path: 'secret/', op: 'list', allowed: false },
  // allowed_parameters.
  { rule: 'allowed_parameters: listed key with [] allows any value', policies: [rule('secret/p', U, '  allowed_parameters = { "foo" = [] }\n')], path: 'secret/p', op: 'update', data: { foo: 'x' }, allowed: true },
  { rule: 'allowed_parameters: unlisted key is denied', policies: [rule('secret/p', U, '  allowed_parameters = { "foo" = [] }\n')], path: 'secret/p', op: 'update', data: { bar: 1 }, allowed: false },
  { rule: 'allowed_parameters: value outside the list is denied', policies: [rule('secret/p', U, '  allowed_parameters = { "foo" = ["a", "b"] }\n')], path: 'secret/p', op: 'update', data: { foo: 'c' }, allowed: false },
  { rule: 'allowed_parameters: value in the list is allowed', policies: [rule('secret/p', U, '  allowed_parameters = { "foo" = ["a", "b"] }\n')], path: 'secret/p', op: 'update', data: { foo: 'b' }, allowed: true },
  { rule: 'allowed_parameters: prefix glob "pre-*"', policies: [rule('secret/p', U, '  allowed_parameters = { "foo" = ["pre-*"] }\n')], path: 'secret/p', op: 'update', data: { foo: 'pre-x' }, allowed: true },
  { rule: 'allowed_parameters: suffix glob "*-suf"', policies: [rule('secret/p', U, '  allowed_parameters = { "foo" = ["*-suf"] }\n')], path: 'secret/p', op: 'update', data: { foo: 'x-suf' }, allowed: true },
  { rule: 'allowed_parameters: suffix glob rejects other values', policies: [rule('secret/p', U, '  allowed_parameters = { "foo" = ["*-suf"] }\n')], path: 'secret/p', op: 'update', data: { foo: 'x-other' }, allowed: false },
  { rule: 'allowed_parameters: "*" = [] allows every parameter', policies: [rule('secret/p', U, '  allowed_parameters = { "*" = [] }\n')], path: 'secret/p', op: 'update', data: { any: 1, thing: 'x' }, allowed: true },
  { rule: 'allowed_parameters: "*" with a constrained key still constrains that key', policies: [rule('secret/p', U, '  allowed_parameters = {\n    "*" = []\n    "foo" = ["a"]\n  }\n')], path: 'secret/p', op: 'update', data: { foo: 'b' }, allowed: false },
  { rule: 'allowed_parameters: "*" with a constrained key allows other keys', policies: [rule('secret/p', U, '  allowed_parameters = {\n    "*" = []\n    "foo" = ["a"]\n  }\n')], path: 'secret/p', op: 'update', data: { bar: 'b' }, allowed: true },
  { rule: 'allowed_parameters: a list value is checked element by element (all allowed)', policies: [rule('secret/p', U, '  allowed_parameters = { "tags" = ["a", "b"] }\n')], path: 'secret/p', op: 'update', data: { tags: ['a', 'b'] }, allowed: true },
  { rule: 'allowed_parameters: a list value with one disallowed element is denied', policies: [rule('secret/p', U, '  allowed_parameters = { "tags" = ["a", "b"] }\n')], path: 'secret/p', op: 'update', data: { tags: ['a', 'c'] }, allowed: false },
  { rule: 'parameter names compare case-insensitively', policies: [rule('secret/p', U, '  allowed_parameters = { "Foo" = [] }\n')], path: 'secret/p', op: 'update', data: { FOO: 1 }, allowed: true },
  { rule: 'parameters are checked for create too', policies: [rule('secret/p', '"create"', '  allowed_parameters = { "foo" = [] }\n')], path: 'secret/p', op: 'create', data: { bar: 1 }, allowed: false },
  { rule: 'parameters are checked for patch too', policies: [rule('secret/p', '"patch"', '  denied_parameters = { "foo" = [] }\n')], path: 'secret/p', op: 'patch', data: { foo: 1 }, allowed: false },
  { rule: 'parameters are not checked for read', policies: [rule('secret/p', R, '  allowed_parameters = { "foo" = [] }\n')], path: 'secret/p', op: 'read', data: { bar: 1 }, allowed: true },
  { rule: 'merged allowed values from two policies are unioned', policies: [rule('secret/p', U, '  allowed_parameters = { "foo" = ["a"] }\n'), rule('secret/p', U, '  allowed_parameters = { "foo" = ["b"] }\n')], path: 'secret/p', op: 'update', data: { foo: 'b' }, allowed: true },
  { rule: 'merged allowed values: an empty list (any value) absorbs the other', policies: [rule('secret/p', U, '  allowed_parameters = { "foo" = ["a"] }\n'), rule('secret/p', U, '  allowed_parameters = { "foo" = [] }\n')], path: 'secret/p', op: 'update', data: { foo: 'z' }, allowed: true },
  // denied_parameters.
  { rule: 'denied_parameters: key with [] denies any value', policies: [rule('secret/p', U, '  denied_parameters = { "bar" = [] }\n')], path: 'secret/p', op: 'update', data: { bar: 'x' }, allowed: false },
  { rule: 'denied_parameters: other keys stay allowed', policies: [rule('secret/p', U, '  denied_parameters = { "bar" = [] }\n')], path: 'secret/p', op: 'update', data: { foo: 'x' }, allowed: true },
  { rule: 'denied_parameters: only listed values are denied', policies: [rule('secret/p', U, '  denied_parameters = { "bar" = ["x"] }\n')], path: 'secret/p', op: 'update', data: { bar: 'y' }, allowed: true },
  { rule: 'denied_parameters: a listed value is denied', policies: [rule('secret/p', U, '  denied_parameters = { "bar" = ["x"] }\n')], path: 'secret/p', op: 'update', data: { bar: 'x' }, allowed: false },
  { rule: 'denied_parameters: "*" denies every parameter', policies: [rule('secret/p', U, '  denied_parameters = { "*" = [] }\n')], path: 'secret/p', op: 'update', data: { foo: 1 }, allowed: false },
  { rule: 'denied_parameters: "*" still allows a request without parameters', policies: [rule('secret/p', U, '  denied_parameters = { "*" = [] }\n')], path: 'secret/p', op: 'update', data: {}, allowed: true },
  { rule: 'denied_parameters take precedence over allowed_parameters', policies: [rule('secret/p', U, '  allowed_parameters = { "foo" = [] }\n  denied_parameters = { "foo" = [] }\n')], path: 'secret/p', op: 'update', data: { foo: 1 }, allowed: false },
  // required_parameters.
  { rule: 'required_parameters: a missing one denies', policies: [rule('secret/p', U, '  required_parameters = ["bar", "baz"]\n')], path: 'secret/p', op: 'update', data: { bar: 1 }, allowed: false },
  { rule: 'required_parameters: all present allows', policies: [rule('secret/p', U, '  required_parameters = ["bar", "baz"]\n')], path: 'secret/p', op: 'update', data: { bar: 1, baz: 2 }, allowed: true },
  // Wrapping TTLs.
  { rule: 'min_wrapping_ttl: an unwrapped request is denied', policies: [rule('secret/w', R, '  min_wrapping_ttl = "1m"\n')], path: 'secret/w', op: 'read', allowed: false },
  { rule: 'min_wrapping_ttl: a shorter TTL is denied', policies: [rule('secret/w', R, '  min_wrapping_ttl = "1m"\n')], path: 'secret/w', op: 'read', wrap: 30, allowed: false },
  { rule: 'wrapping TTL inside the bounds is allowed', policies: [rule('secret/w', R, '  min_wrapping_ttl = "1m"\n  max_wrapping_ttl = "5m"\n')], path: 'secret/w', op: 'read', wrap: 120, allowed: true },
  { rule: 'max_wrapping_ttl: a longer TTL is denied', policies: [rule('secret/w', R, '  min_wrapping_ttl = "1m"\n  max_wrapping_ttl = "5m"\n')], path: 'secret/w', op: 'read', wrap: 600, allowed: false },
  // Templated paths.
  { rule: 'templated path resolved from identity values', policies: [rule('secret/{{identity.entity.id}}/*', R)], path: 'secret/e-123/x', op: 'read', templates: { 'identity.entity.id': 'e-123' }, allowed: true },
  { rule: 'templated path does not match another identity', policies: [rule('secret/{{identity.entity.id}}/*', R)], path: 'secret/e-999/x', op: 'read', templates: { 'identity.entity.id': 'e-123' }, allowed: false },
  { rule: 'a template without a value skips the rule', policies: [rule('secret/{{identity.entity.id}}/*', R)], path: 'secret//x', op: 'read', allowed: false },
  { rule: 'a template value holding "*" is not substituted (it would widen the pattern)', policies: [rule('secret/{{identity.entity.name}}', R)], path: 'secret/anything', op: 'read', templates: { 'identity.entity.name': '*' }, allowed: false },
  { rule: 'a template value holding a "+" segment is not substituted', policies: [rule('secret/{{identity.entity.name}}/x', R)], path: 'secret/a/b/x', op: 'read', templates: { 'identity.entity.name': 'a/+' }, allowed: false },
  // Legacy `policy = "…"`.
  { rule: 'legacy policy = "read" grants list', policies: ['path "secret/*" { policy = "read" }'], path: 'secret/x', op: 'list', allowed: true },
  { rule: 'legacy policy = "write" grants update', policies: ['path "secret/*" { policy = "write" }'], path: 'secret/x', op: 'update', allowed: true },
  { rule: 'legacy policy = "deny" denies', policies: ['path "secret/*" { policy = "deny" }'], path: 'secret/x', op: 'read', allowed: false },
];

function policiesOf(texts: readonly string[]): Policy[] {
  return texts.map((t, i) => (t === 'root' ? ROOT_POLICY : parsePolicy(`p${i}`, t)));
}

describe('acl: Vault policy semantics', () => {
  it('has at least 60 cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(60);
  });

  it.each(cases)('$rule', (c) => {
    const acl = createAcl(policiesOf(c.policies), c.templates ? { templateValues: c.templates } : {});
    const result = acl.allowOperation(c.path, c.op, c.data, c.wrap === undefined ? {} : { wrapTtlSeconds: c.wrap });
    expect(result.allowed).toBe(c.allowed);
    if (c.sudo !== undefined) expect(result.sudo).toBe(c.sudo);
    if (!result.allowed) expect(result.reason).toBeTruthy();
  });
});

describe('acl.capabilities (sys/capabilities-self)', () => {
  const acl = createAcl(policiesOf([rule('secret/*', '"update", "read", "list"') + rule('secret/no', '"deny"'), rule('secret/*', '"sudo"')]));

  it('returns the sorted, unioned capabilities of the matching rule', () => {
    expect(acl.capabilities('secret/x')).toEqual(['list', 'read', 'sudo', 'update']);
  });
  it('returns ["deny"] when nothing matches or the rule denies', () => {
    expect(acl.capabilities('kv/x')).toEqual(['deny']);
    expect(acl.capabilities('secret/no')).toEqual(['deny']);
  });
  it('returns ["root"] for root', () => {
    expect(createAcl([ROOT_POLICY]).capabilities('anything')).toEqual(['root']);
  });
  it('exposes merged rules, exact first then globs by priority', () => {
    const a = createAcl(policiesOf([rule('a/*', R) + rule('a/b/*', R) + rule('a/x', R)]));
    expect(a.rules().map((r) => r.path)).toEqual(['a/x', 'a/b/*', 'a/*']);
  });
});

describe('acl with many policies', () => {
  // Speed is measured in bench/, never here; this checks the indexed lookup stays correct at scale.
  it('picks the right rule among 2,000 across 50 policies', () => {
    const texts = Array.from({ length: 50 }, (_, i) =>
      Array.from({ length: 20 }, (_, j) => rule(`secret/team${i}/app${j}/*`, R) + rule(`kv/+/team${i}/${j}`, U)).join(''),
    );
    const acl = createAcl(policiesOf(texts));
    for (let k = 0; k < 200; k++) expect(acl.allowOperation(`secret/team49/app19/key${k}`, 'read').allowed).toBe(true);
    expect(acl.allowOperation('secret/team50/app0/key', 'read').allowed).toBe(false);
    expect(acl.allowOperation('kv/anything/team3/7', 'update').allowed).toBe(true);
    expect(acl.allowOperation('kv/anything/team3/7', 'read').allowed).toBe(false);
  });
});
