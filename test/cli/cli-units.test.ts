/**
 * In-process checks of the CLI's small pure helpers: vault's single-dash flags, durations,
 * K=V parsing, and tables.
 */
import { describe, expect, it } from 'vitest';
import { createProgram, invokedCommand, normalizeArgs } from '../../src/cli/program.js';
import { formatColumns, formatDuration, formatTable, scalar } from '../../src/cli/output.js';
import { collect, parseKeyValues, parseVersions } from '../../src/cli/cli-input.js';
import { describeFailure, CliError } from '../../src/cli/cli-errors.js';
import { ApiError, ConnectionError } from '../../src/client/hush-client.js';

describe('normalizeArgs', () => {
  it('turns vault\'s -flag=value and -flag into --flag, leaving values and short flags alone', () => {
    expect(normalizeArgs(['kv', 'get', '-field=password', '-mount', 'secret', 'app'])).toEqual(['kv', 'get', '--field=password', '--mount', 'secret', 'app']);
    expect(normalizeArgs(['-h', '-', 'K=-v', '--format=json', '-no-store'])).toEqual(['-h', '-', 'K=-v', '--format=json', '--no-store']);
    expect(normalizeArgs(['write', 'x', '--', '-literal'])).toEqual(['write', 'x', '--', '-literal']);
  });
});

describe('createProgram', () => {
  it('builds only the command the arguments name, and every command for help or an unknown word', async () => {
    const all = (await createProgram()).commands.map((c) => c.name());
    expect(all).toEqual(expect.arrayContaining(['server', 'kv', 'run', 'scan', 'version']));
    // each table entry builds the command of its own name, so `hush NAME` finds it
    for (const name of all) expect((await createProgram([name, '--help'])).commands.map((c) => c.name())).toEqual([name]);
    expect((await createProgram(['-h'])).commands.map((c) => c.name())).toEqual(all);
    expect((await createProgram(['kvv'])).commands.map((c) => c.name())).toEqual(all);
    expect(invokedCommand(['--version'])).toBeUndefined();
    expect(invokedCommand(['--', 'run'])).toBeUndefined();
    expect(invokedCommand(['constructor'])).toBeUndefined();
  });
});

describe('output helpers', () => {
  it('prints durations like Go', () => {
    expect(formatDuration(2764800)).toBe('768h');
    expect(formatDuration(5400)).toBe('1h30m');
    expect(formatDuration(45)).toBe('45s');
    expect(formatDuration(0, '∞')).toBe('∞');
  });
  it('renders cells and tables like vault', () => {
    expect(scalar(['a', 'b'])).toBe('[a b]');
    expect(scalar({ k: 'v' })).toBe('map[k:v]');
    expect(scalar(null)).toBe('n/a');
    expect(formatTable({ a: 1, long_key: true })).toBe('Key         Value\n---         -----\na           1\nlong_key    true');
    expect(formatColumns(['Path', 'Type'], [['secret/', 'kv']])).toBe('Path       Type\n----       ----\nsecret/    kv');
  });
});

describe('input helpers', () => {
  it('parses K=V pairs, keeping "=" inside values', async () => {
    expect(await parseKeyValues(['a=1', 'b=x=y', 'a=2'])).toEqual({ a: '2', b: 'x=y' });
    await expect(parseKeyValues(['secretvalue'])).rejects.toThrow(/argument 1 is not key=value/);
    await expect(parseKeyValues(['secretvalue'])).rejects.not.toThrow(/secretvalue/);
  });
  it('parses versions and repeatable flags', () => {
    expect(parseVersions('1, 2,3')).toEqual([1, 2, 3]);
    expect(() => parseVersions('1,x')).toThrow(CliError);
    expect(collect('b', collect('a'))).toEqual(['a', 'b']);
  });
});

describe('describeFailure', () => {
  it('maps API, connection and command errors to one line and an exit code', () => {
    expect(describeFailure(new ApiError(403, ['permission denied'], 'secret/data/x'))).toEqual({
      line: "Error: 403 on secret/data/x: permission denied (check HUSH_TOKEN / VAULT_TOKEN and the token's policies)",
      exitCode: 2,
    });
    expect(describeFailure(new ConnectionError('cannot reach http://x: ECONNREFUSED')).exitCode).toBe(2);
    expect(describeFailure(new CliError('two\nlines', 1))).toEqual({ line: 'Error: two', exitCode: 1 });
  });
});
