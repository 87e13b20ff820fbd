/**
 * @module Tests of `hush policy fmt`: canonical output, comments kept, JSON converted,
 * the same policy after formatting, idempotence.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_POLICY_TEXT } from './builtin-policies.js';
import { formatPolicy } from './format-policy.js';
import { parsePolicy } from './policy-parser.js';

const MESSY = `# Team policy
path   "secret/data/app/*"{capabilities=["read","list"]} # reads
path "secret/data/app/config" {
    capabilities = [ "create" , "update", ]
       allowed_parameters = { "env" : ["dev","prod-*"], ttl = [] }
  /* a note
     over two lines */
}
// end of file
`;

const EXPECTED = `# Team policy
path "secret/data/app/*" {
  capabilities = ["read", "list"]
} # reads

path "secret/data/app/config" {
  capabilities = ["create", "update"]
  allowed_parameters = {
    "env" = ["dev", "prod-*"]
    "ttl" = []
  }
  /* a note
     over two lines */
}

// end of file
`;

describe('formatPolicy', () => {
  it('prints canonical HCL and keeps comments', () => {
    expect(formatPolicy(MESSY)).toBe(EXPECTED);
  });

  it('is idempotent', () => {
    for (const text of [MESSY, DEFAULT_POLICY_TEXT, 'a = <<EOF\nx\nEOF\n', '']) {
      const once = formatPolicy(text);
      expect(formatPolicy(once)).toBe(once);
    }
  });

  it('leaves the default policy as it is', () => {
    expect(formatPolicy(DEFAULT_POLICY_TEXT)).toBe(DEFAULT_POLICY_TEXT);
  });

  it('keeps the meaning of the policy', () => {
    expect(parsePolicy('x', formatPolicy(MESSY))).toEqual(parsePolicy('x', MESSY));
  });

  it('turns JSON into path blocks', () => {
    const json = '{"path": {"a/*": {"capabilities": ["read"], "required_parameters": ["x"]}, "b": {"capabilities": ["deny"]}}}';
    expect(formatPolicy(json)).toBe(
      'path "a/*" {\n  capabilities = ["read"]\n  required_parameters = ["x"]\n}\n\npath "b" {\n  capabilities = ["deny"]\n}\n',
    );
    expect(parsePolicy('x', formatPolicy(json))).toEqual(parsePolicy('x', json));
  });

  it('breaks long lists over several lines and escapes strings', () => {
    const caps = '["create", "read", "update", "patch", "delete", "list", "sudo", "subscribe", "recover"]';
    const out = formatPolicy(`path "a\\"b\\tc" { capabilities = ${caps} }`);
    expect(out).toBe(
      'path "a\\"b\\tc" {\n  capabilities = [\n    "create",\n    "read",\n    "update",\n    "patch",\n    "delete",\n    "list",\n    "sudo",\n    "subscribe",\n    "recover",\n  ]\n}\n',
    );
    expect(formatPolicy(out)).toBe(out);
  });

  it('reports parse errors like the parser', () => {
    expect(() => formatPolicy('path "a" {')).toThrow(/failed to parse policy: .*line 1:10/);
  });
});
