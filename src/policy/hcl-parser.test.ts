/**
 * @module Tests of the HCL subset parser: values, blocks, comments, heredocs and positions.
 */
import { describe, expect, it } from 'vitest';
import { parseHcl } from './hcl-parser.js';
import type { HclObject } from './hcl-parser.js';
import { toValue } from './policy-parser.js';

const plain = (doc: HclObject) => toValue(doc);

describe('parseHcl', () => {
  it('parses attributes of every value type', () => {
    const doc = parseHcl('s = "a\\"b\\n\\u00e9"\nn = -1.5e2\nt = true\nf = false\nl = ["x", 1, [true]]\no = { "k" = 1, k2: "v" }\n');
    expect(plain(doc)).toEqual({ s: 'a"b\né', n: -150, t: true, f: false, l: ['x', 1, [true]], o: { k: 1, k2: 'v' } });
  });

  it('parses blocks with labels and nested blocks', () => {
    const doc = parseHcl('path "a/*" {\n  allowed_parameters {\n    "x" = []\n  }\n}\n');
    const entry = doc.entries[0]!;
    expect(entry).toMatchObject({ key: 'path', form: 'block', pos: { line: 1, column: 1 } });
    expect(entry.labels[0]).toMatchObject({ value: 'a/*', pos: { line: 1, column: 6 } });
    expect(toValue(entry.value)).toEqual({ allowed_parameters: { x: [] } });
  });

  it('keeps repeated keys apart', () => {
    expect(parseHcl('path "a" {}\npath "a" {}').entries).toHaveLength(2);
  });

  it('reads heredocs, plain and indented', () => {
    const doc = parseHcl('a = <<EOF\nline 1\n  line 2\nEOF\nb = <<-END\n    x\n      y\n    END\nc = 1\n');
    expect(plain(doc)).toEqual({ a: 'line 1\n  line 2\n', b: 'x\n  y\n', c: 1 });
    expect(doc.entries[2]!.pos).toEqual({ line: 9, column: 1 });
  });

  it('attaches comments: leading, trailing and at the end of a body', () => {
    const doc = parseHcl('# one\n// two\na = 1 # after a\n\n/* three */\nb = {\n  c = 2\n  # inner\n}\n# tail\n');
    const [a, b] = doc.entries;
    expect(a).toMatchObject({ comments: ['# one', '// two'], trailingComment: '# after a' });
    expect(b!.comments).toEqual(['', '/* three */']);
    expect(b!.value).toMatchObject({ innerComments: ['# inner'] });
    expect(doc.innerComments).toEqual(['# tail']);
  });

  it('parses JSON as one object with positions', () => {
    const doc = parseHcl('{\n  "path": {\n    "a": {"capabilities": ["read"]}\n  }\n}');
    expect(plain(doc)).toEqual({ path: { a: { capabilities: ['read'] } } });
    expect(doc.entries[0]!.pos).toEqual({ line: 2, column: 3 });
  });

  it('reports the line and column of an error', () => {
    expect(() => parseHcl('a = 1\nb = @')).toThrow(/failed to parse policy: unexpected character "@", line 2:5$/);
    expect(() => parseHcl('a = <<EOF\nno end\n')).toThrow(/unterminated heredoc, missing closing EOF, line 1:5$/);
    expect(() => parseHcl('{"a": 1} x')).toThrow(/expected end of input after the top-level object, found "x", line 1:10$/);
  });
});
