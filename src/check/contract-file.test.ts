import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadContract } from './contract-file.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'hush-contract-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('loadContract', () => {
  it('prefers hush.toml to .env.example', () => {
    writeFileSync(join(dir, '.env.example'), 'FROM_EXAMPLE=\n');
    expect((loadContract(undefined, dir)).variables.map((v) => v.name)).toEqual(['FROM_EXAMPLE']);
    writeFileSync(join(dir, 'hush.toml'), '[env]\nFROM_TOML = "int"\n');
    const c = loadContract(undefined, dir);
    expect(c.file).toBe('hush.toml');
    expect(c.variables.map((v) => v.name)).toEqual(['FROM_TOML']);
  });

  it('reads --contract by its name: .toml as hush.toml, anything else as .env.example', () => {
    writeFileSync(join(dir, 'deploy.toml'), '[env]\nA = "bool"\n');
    writeFileSync(join(dir, '.env.template'), 'B=  # int\n');
    expect((loadContract('deploy.toml', dir)).variables.map((v) => [v.name, v.type])).toEqual([['A', 'bool']]);
    expect((loadContract(join(dir, '.env.template'), '/')).variables.map((v) => [v.name, v.type])).toEqual([['B', 'int']]);
  });

  it('says what to do when there is no contract', () => {
    expect(() => loadContract(undefined, dir)).toThrow('no contract here: create hush.toml or .env.example, or pass --contract FILE');
    expect(() => loadContract('missing.toml', dir)).toThrow('contract missing.toml not found');
  });
});
