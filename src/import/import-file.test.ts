import { describe, expect, it, vi } from 'vitest';
import { formatFromName, readImportFile } from './import-file.js';

const read = (text: string, format: 'dotenv' | 'json' | 'yaml', expand = true) =>
  Object.fromEntries(readImportFile(text, 'in', { format, expand }));

describe('readImportFile', () => {
  it('picks the format from the file name, dotenv for anything unknown', () => {
    expect(['a.json', 'A.JSON', 'x.yaml', 'x.yml', '.env', '.env.local', 'prod.env', 'secrets.txt'].map(formatFromName)).toEqual([
      'json',
      'json',
      'yaml',
      'yaml',
      'dotenv',
      'dotenv',
      'dotenv',
      'dotenv',
    ]);
  });

  it('reads dotenv with or without ${VAR} expansion', () => {
    expect(read('A=1\nB="${A}-x"\n', 'dotenv')).toEqual({ A: '1', B: '1-x' });
    expect(read('A=1\nB="${A}-x"\n', 'dotenv', false)).toEqual({ A: '1', B: '${A}-x' });
  });

  it('reads a flat JSON object, non-strings as JSON text', () => {
    expect(read('{"A":"x","N":5432,"B":true,"Z":null,"O":{"k":[1,"v"]}}', 'json')).toEqual({
      A: 'x',
      N: '5432',
      B: 'true',
      Z: 'null',
      O: '{"k":[1,"v"]}',
    });
    expect(() => read('[1]', 'json')).toThrow(/^in: expected an object/);
    expect(() => read('{"A": "secret-value', 'json')).toThrow(/^in: not valid JSON$/);
  });

  it('reads a flat YAML mapping with scalars as written and collections as JSON', () => {
    expect(read('A: 1.10\nB: yes\nC: ~\nD:\nE: "quoted # x"\nF: |\n  multi\n  line\nG: [1, x]\nH: {k: 2}\n', 'yaml')).toEqual({
      A: '1.10',
      B: 'yes',
      C: '~',
      D: '',
      E: 'quoted # x',
      F: 'multi\nline\n',
      G: '[1,"x"]',
      H: '{"k":2}',
    });
    expect(() => read('- a\n- b\n', 'yaml')).toThrow(/^in: expected a mapping/);
    expect(() => read('A: secret-value\nA: again\n', 'yaml')).toThrow(/^in:2: not valid YAML$/);
  });

  it('prints no YAML warning: it would quote the source line, secret included', () => {
    const warn = vi.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    try {
      expect(read('A: !custom s3cret-value\n', 'yaml')).toEqual({ A: 's3cret-value' });
      expect(warn).not.toHaveBeenCalled();
    } finally {
      warn.mockRestore();
    }
  });
});
