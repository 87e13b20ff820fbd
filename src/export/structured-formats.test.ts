import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { renderJson, renderYaml } from './structured-formats.js';

const tricky = new Map([
  ['BOOL_11', 'yes'],
  ['ON', 'on'],
  ['NUM', '1.10'],
  ['OCTAL', '0755'],
  ['NULL', 'null'],
  ['TILDE', '~'],
  ['EMPTY', ''],
  ['MULTI', 'a\n b\n\n'],
  ['LEAD', ' x'],
  ['COLON', 'a: b # c'],
]);

describe('json and yaml formats', () => {
  it('json is a flat object of strings', () => {
    expect(JSON.parse(renderJson(tricky))).toEqual(Object.fromEntries(tricky));
    expect(renderJson(new Map())).toBe('{}\n');
  });

  it('yaml reads back as strings for YAML 1.2 and YAML 1.1 readers alike', () => {
    const text = renderYaml(tricky);
    expect(parse(text)).toEqual(Object.fromEntries(tricky));
    expect(parse(text, { version: '1.1' })).toEqual(Object.fromEntries(tricky));
    expect(parse(renderYaml(new Map()))).toEqual({});
  });
});
