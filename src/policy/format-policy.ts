/**
 * @module `hush policy fmt`: reprints policy text (HCL or JSON) as canonical HCL. Two-space
 * indentation, one blank line between top-level blocks, `key = value` attributes, strings in
 * double quotes with escapes, short scalar lists on one line, comments kept next to the entry
 * they precede. JSON's `"path": { "<pattern>": { … } }` becomes `path "<pattern>" { … }` blocks.
 * The output parses to the same policy and formatting it again changes nothing.
 */
import { parseHcl } from './hcl-parser.js';
import type { HclEntry, HclList, HclNode, HclObject } from './hcl-parser.js';

const INDENT = '  ';
const MAX_INLINE = 80;
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_-]*$/;

/**
 * Canonical HCL for policy text.
 * @throws HushError `bad_request` when the text does not parse.
 */
export function formatPolicy(text: string): string {
  const doc = parseHcl(text);
  const entries = doc.entries.flatMap(expandPathMap);
  const lines: string[] = [];
  entries.forEach((entry, i) => {
    const prev = entries[i - 1];
    const comments = tidyComments(entry.comments, false);
    if (prev && (entry.form === 'block' || prev.form === 'block' || comments.length > 0)) lines.push('');
    lines.push(...printEntry({ ...entry, comments }, '', true));
  });
  const tail = tidyComments(doc.innerComments, false);
  if (tail.length) {
    if (lines.length) lines.push('');
    lines.push(...tail);
  }
  return lines.length ? `${lines.join('\n')}\n` : '';
}

/** `path = { "a" = {…}, "b" = {…} }` (JSON form) → one block per pattern. */
function expandPathMap(entry: HclEntry): HclEntry[] {
  if (entry.key !== 'path' || entry.labels.length > 0 || entry.value.kind !== 'object') return [entry];
  const inner = entry.value.entries;
  if (!inner.every((e) => e.value.kind === 'object' && e.labels.length === 0)) return [entry];
  return inner.map((e, i) => ({
    key: 'path',
    keyQuoted: false,
    labels: [{ kind: 'string', value: e.key, pos: e.pos }],
    form: 'block',
    value: e.value,
    pos: e.pos,
    comments: i === 0 ? [...entry.comments, ...e.comments] : e.comments,
    ...(e.trailingComment === undefined ? {} : { trailingComment: e.trailingComment }),
  }));
}

/** Drops blank-line markers at the start (unless kept), at the end and doubled ones. */
function tidyComments(comments: readonly string[], keepLeadingBlank: boolean): string[] {
  const out = comments.filter((c, i) => c !== '' || (comments[i - 1] !== '' && i < comments.length - 1));
  if (!keepLeadingBlank && out[0] === '') out.shift();
  return out;
}

function printEntry(entry: HclEntry, indent: string, inBody: boolean, first = true): string[] {
  const lines = tidyComments(entry.comments, !first).map((c) => (c === '' ? '' : indent + c));
  const key = inBody && IDENTIFIER.test(entry.key) ? entry.key : quote(entry.key);
  const trailing = entry.trailingComment === undefined ? '' : ` ${entry.trailingComment}`;
  if (entry.labels.length > 0 && entry.value.kind === 'object') {
    const head = `${indent}${key} ${entry.labels.map((l) => quote(l.value)).join(' ')} `;
    const body = printObject(entry.value, indent, true);
    body[0] = head + body[0]!;
    body[body.length - 1] += trailing;
    return [...lines, ...body];
  }
  const value = printValue(entry.value, indent);
  value[0] = `${indent}${key} = ${value[0]!}`;
  value[value.length - 1] += trailing;
  return [...lines, ...value];
}

/** Lines of a value; the first line is appended to the `key = ` prefix by the caller. */
function printValue(node: HclNode, indent: string): string[] {
  switch (node.kind) {
    case 'string':
      return [quote(node.value)];
    case 'number':
      return [node.raw];
    case 'bool':
      return [String(node.value)];
    case 'null':
      return ['null'];
    case 'list':
      return printList(node, indent);
    case 'object':
      // Keys of object literals (parameter names) are always quoted.
      return printObject(node, indent, false);
  }
}

function printList(node: HclList, indent: string): string[] {
  if (node.items.length === 0) return ['[]'];
  const scalar = node.items.every((i) => i.kind !== 'list' && i.kind !== 'object');
  if (scalar) {
    const inline = `[${node.items.map((i) => printValue(i, indent)[0]).join(', ')}]`;
    if (inline.length + indent.length <= MAX_INLINE) return [inline];
  }
  const inner = indent + INDENT;
  const lines = ['['];
  for (const item of node.items) {
    const v = printValue(item, inner);
    v[0] = inner + v[0]!;
    v[v.length - 1] += ',';
    lines.push(...v);
  }
  lines.push(`${indent}]`);
  return lines;
}

function printObject(node: HclObject, indent: string, isBody: boolean): string[] {
  if (node.entries.length === 0 && node.innerComments.length === 0) return ['{}'];
  const inner = indent + INDENT;
  const lines = ['{'];
  node.entries.forEach((e, i) => lines.push(...printEntry(e, inner, isBody, i === 0)));
  const tail = tidyComments(node.innerComments, node.entries.length > 0);
  for (const c of tail) lines.push(c === '' ? '' : inner + c);
  lines.push(`${indent}}`);
  return lines;
}

function quote(s: string): string {
  return JSON.stringify(s);
}
