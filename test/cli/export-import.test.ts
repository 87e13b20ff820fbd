/**
 * End to end: `hush export` and `hush import` as separate processes (the built CLI) against a
 * real server, with every export read back by the tool it is meant for: python-dotenv,
 * django-environ, python-decouple (in a virtualenv) and Node's dotenv for `.env` files, `sh` for
 * shell scripts, JSON/YAML parsers, base64 for the Kubernetes manifest, the files themselves
 * for Docker secrets, and GitHub's documented heredoc rules for `$GITHUB_ENV`.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import dotenv from 'dotenv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { api, startTestServer } from '../helpers/test-server.js';
import type { TestServer } from '../helpers/test-server.js';
import { hushBin } from '../helpers/spawn-server.js';
import { ensureVenv, runPython } from '../interop/python-env.js';
import { runProcess } from '../helpers/run-process.js';
import type { ProcessResult } from '../helpers/run-process.js';

/** Values every format, `.env` included, must carry exactly. Names are unusual so that no
 * variable of the test's own environment can shadow them (python-decouple prefers os.environ). */
const PORTABLE: Readonly<Record<string, string>> = {
  HX_HASH: 'abc#def # not a comment',
  HX_LEADING_HASH: '#hashtag',
  HX_DOLLAR: 'pa$$word$HOME and $1',
  HX_DOLLAR_START: '$ecret-starts-with-dollar',
  HX_SINGLE: "it's a 'test'",
  HX_SINGLE_WRAPPED: "'wrapped'",
  HX_DOUBLE: 'say "hello"',
  HX_BOTH: `it's "both"`,
  HX_SPACES: '  padded value  ',
  HX_BACKSLASH: 'C:\\Users\\app\\new\\table',
  HX_DOUBLE_BACKSLASH: 'a\\\\b\\\\c',
  HX_TRAILING_BACKSLASH: 'ends with\\',
  HX_TAB: 'col1\tcol2\t',
  HX_EQUALS: 'a=b==c=',
  HX_UNICODE: 'héllo wörld ñ 🔐 日本',
  HX_EMPTY: '',
  HX_BACKTICK: '`whoami`',
  HX_URL: 'postgres://app:p@ss#w0rd@db:5432/shop?sslmode=require',
  HX_JSON: '{"a": 1, "b": [true]}',
  HX_PERCENT: '100%25 sure %0A',
  HX_SEMICOLON: 'x; rm -rf / && echo $(id) `id`',
};

/** Values no `.env` form carries for all four readers (line breaks, `${…}` that python-dotenv
 * expands, a fully double-quoted value, quotes with backslashes and #), but every other format must. */
const HARD: Readonly<Record<string, string>> = {
  HX_PEM: '-----BEGIN PRIVATE KEY-----\nMIIBVQIBADANBgkqhkiG9w0BAQEFAASCAT8wggE7AgEAAkEA\n-----END PRIVATE KEY-----\n',
  HX_CRLF: 'line1\r\nline2',
  HX_TRAILING_NEWLINE: 'value\n',
  HX_BLANK_LINES: '\n\nmiddle\n\n',
  HX_BRACES: 'pre${NOT_EXPANDED}post',
  HX_DOUBLE_WRAPPED: '"wrapped"',
  HX_EVERYTHING: `it's "x" \\ # y`,
  HX_DELIMITER_LIKE: 'EOF\nghadelimiter_\nEOF',
};

let server: TestServer;
let dir: string;
let python: string;

type Result = ProcessResult;

function hush(args: readonly string[], env: Record<string, string | undefined> = {}): Promise<Result> {
  return runProcess(process.execPath, [hushBin, ...args], {
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      HUSH_ADDR: server.address,
      HUSH_TOKEN: server.rootToken,
      HUSH_TOKEN_FILE: join(dir, 'no-token-file'),
      ...env,
    } as NodeJS.ProcessEnv,
  });
}

async function ok(args: readonly string[], env: Record<string, string | undefined> = {}): Promise<Result> {
  const r = await hush(args, env);
  expect(r.stderr.includes('Error'), r.stderr).toBe(false);
  expect(r.code).toBe(0);
  return r;
}

async function put(path: string, data: Record<string, unknown>): Promise<void> {
  const res = await api(server, 'PUT', `secret/data/${path}`, { token: server.rootToken, body: { data } });
  expect(res.status).toBe(200);
}

async function kvData(path: string): Promise<{ data: Record<string, unknown>; version: number }> {
  const res = await api(server, 'GET', `secret/data/${path}`, { token: server.rootToken });
  expect(res.status).toBe(200);
  return { data: res.body.data.data, version: res.body.data.metadata.version };
}

const mode = (path: string) => statSync(path).mode & 0o777;

/** No secret value (of 4+ characters, to avoid matching ordinary words) appears in `text`. */
function expectNoValues(text: string, values: Readonly<Record<string, string>>): void {
  for (const [key, value] of Object.entries(values)) {
    for (const line of value.split(/\r?\n/)) {
      if (line.trim().length >= 4) expect(text.includes(line), `a value of ${key} leaked`).toBe(false);
    }
  }
}

/** What the three Python readers make of each file (see dotenv_readers.py). */
async function pythonReaders(files: readonly string[]): Promise<Record<string, Record<string, string | null>>[]> {
  const out = await runPython(python, [join(import.meta.dirname, 'dotenv_readers.py'), ...files], {});
  return JSON.parse(out) as Record<string, Record<string, string | null>>[];
}

/**
 * Reads a `$GITHUB_ENV` file by the rules GitHub documents (and its runner implements): a line
 * `NAME=value`, or `NAME<<DELIMITER` followed by the value's lines up to the first line that is
 * exactly DELIMITER; lines end at `\n`; the newline before the delimiter line is not part of
 * the value.
 */
function readGithubEnv(text: string): Map<string, string> {
  const out = new Map<string, string>();
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line === '') continue;
    const eq = line.indexOf('=');
    const heredoc = line.indexOf('<<');
    if (eq >= 0 && (heredoc < 0 || eq < heredoc)) {
      out.set(line.slice(0, eq), line.slice(eq + 1));
      continue;
    }
    if (heredoc <= 0) throw new Error(`invalid line ${i + 1}`);
    const name = line.slice(0, heredoc);
    const delimiter = line.slice(heredoc + 2);
    const value: string[] = [];
    for (i++; ; i++) {
      if (i >= lines.length) throw new Error(`delimiter of ${name} not found`);
      if (lines[i] === delimiter) break;
      value.push(lines[i]!);
    }
    out.set(name, value.join('\n'));
  }
  return out;
}

beforeAll(async () => {
  // before the server starts: ensureVenv blocks the event loop while pip runs
  python = ensureVenv('dotenv-readers', ['python-dotenv', 'django-environ', 'python-decouple']);
  server = await startTestServer({ storage: 'memory' });
  dir = mkdtempSync(join(tmpdir(), 'hush-export-test-'));
  await put('myapp/production', { ...PORTABLE, HX_PORT: 5432 });
  await put('myapp/hard', HARD);
  await put('myapp/base', { HX_SHARED: 'from-base', HX_BASE_ONLY: 'base-only' });
  await put('myapp/override', { HX_SHARED: 'from-override' });
  await put('other/Prod_EU.v2', { HX_A: 'a-value' });
}, 600_000);

afterAll(async () => {
  await server?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const expectedPortable = { ...PORTABLE, HX_PORT: '5432' };
const expectedAll = { ...expectedPortable, ...HARD };

describe('hush export --format dotenv', () => {
  it('writes a 0600 file that python-dotenv, django-environ, python-decouple and Node dotenv read back exactly', async () => {
    const file = join(dir, 'production.env');
    const r = await ok(['export', '--path', 'secret/myapp/production', '--format', 'dotenv', '--output', file]);
    expect(r.stdout).toBe('');
    expectNoValues(r.stderr, PORTABLE);
    expect(mode(file)).toBe(0o600);
    // no temporary file is left next to it
    expect(readdirSync(dir).filter((f) => f.includes('production.env'))).toEqual(['production.env']);

    const text = readFileSync(file, 'utf8');
    const [readers] = await pythonReaders([file]);
    const dollar = Object.fromEntries(Object.entries(expectedPortable).filter(([, v]) => !v.startsWith('$')));
    expect(readers!['python-dotenv']).toEqual(expectedPortable);
    expect(readers!['python-decouple']).toEqual(expectedPortable);
    expect(readers!['django-environ']).toEqual(expectedPortable);
    expect(readers!['django-environ env.str']).toEqual(dollar);
    expect(dotenv.parse(text)).toEqual(expectedPortable);
    const processEnv: Record<string, string> = {};
    dotenv.config({ path: file, processEnv, quiet: true });
    expect(processEnv).toEqual(expectedPortable);
  });

  it('prints the same text to stdout without --output', async () => {
    const file = join(dir, 'stdout-compare.env');
    await ok(['export', '--path', 'secret/myapp/production', '--output', file]);
    const r = await ok(['export', '--path', 'secret/myapp/production']);
    expect(r.stdout).toBe(readFileSync(file, 'utf8'));
    expect(dotenv.parse(r.stdout)).toEqual(expectedPortable);
  });

  it('refuses a value no .env form carries for every reader, naming the key and never the value, and writes nothing', async () => {
    const file = join(dir, 'hard.env');
    const r = await hush(['export', '--path', 'secret/myapp/production', '--path', 'secret/myapp/hard', '--format', 'dotenv', '--output', file]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^Error: cannot export HX_[A-Z_]+ to a \.env file: [^\n]+\n$/);
    expectNoValues(r.stderr, HARD);
    expect(existsSync(file)).toBe(false);
    // one key at a time: each of them is refused on its own
    for (const [key, value] of Object.entries(HARD)) {
      await put('myapp/hard-one', { [key]: value });
      const one = await hush(['export', '--path', 'secret/myapp/hard-one']);
      expect(one.code).toBe(2);
      expect(one.stderr.startsWith(`Error: cannot export ${key} to a .env file: `)).toBe(true);
      expect(one.stdout).toBe('');
    }
  });

  it('refuses names that are not variable names', async () => {
    await put('myapp/bad-name', { 'my-key': 'x', HX_OK: 'y' });
    for (const format of ['dotenv', 'shell', 'github-env']) {
      const r = await hush(['export', '--path', 'secret/myapp/bad-name', '--format', format, '--output', join(dir, `bad-name.${format}`)]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/^Error: cannot export "my-key" .*not a valid (variable )?name/);
      expect(r.stderr.split('\n').filter(Boolean)).toHaveLength(1);
    }
  });

  it('the refused values are really misread by at least one reader in every quoting', async () => {
    const files: string[] = [];
    const forms = [(v: string) => `'${v}'`, (v: string) => `"${v}"`, (v: string) => v];
    Object.values(HARD).forEach((value, i) =>
      forms.forEach((form, j) => {
        const file = join(dir, `form-${i}-${j}.env`);
        writeFileSync(file, `HX_K=${form(value)}\n`);
        files.push(file);
      }),
    );
    const results = await pythonReaders(files);
    results.forEach((readers, n) => {
      const value = Object.values(HARD)[Math.floor(n / forms.length)]!;
      const seen = [
        readers['python-dotenv']!.HX_K,
        readers['python-decouple']!.HX_K,
        readers['django-environ']!.HX_K,
        dotenv.parse(readFileSync(files[n]!, 'utf8')).HX_K,
      ];
      expect(seen.every((s) => s === value)).toBe(false);
    });
  });
});

describe('hush export, other formats', () => {
  const both = ['--path', 'secret/myapp/production', '--path', 'secret/myapp/hard'];

  it('shell: a POSIX sh sourcing the script sees every value exactly', async () => {
    const file = join(dir, 'secrets.sh');
    await ok(['export', ...both, '--format', 'shell', '--output', file]);
    expect(mode(file)).toBe(0o600);
    const keys = Object.keys(expectedAll);
    // one sh run prints every value NUL-separated (values may hold newlines)
    const script = `. "$1"; for k in ${keys.join(' ')}; do eval "printf '%s\\0' \\"\\$$k\\""; done`;
    const { stdout } = await promisify(execFile)('sh', ['-c', script, 'sh', file], { encoding: 'utf8' });
    const values = stdout.split('\0').slice(0, -1);
    expect(Object.fromEntries(keys.map((k, i) => [k, values[i]]))).toEqual(expectedAll);
    const one = await promisify(execFile)('sh', ['-c', '. "$1"; printf %s "$HX_EVERYTHING"', 'sh', file], { encoding: 'utf8' });
    expect(one.stdout).toBe(HARD.HX_EVERYTHING);
  });

  it('json and yaml: flat mappings of strings', async () => {
    const json = await ok(['export', ...both, '--format', 'json']);
    expect(JSON.parse(json.stdout)).toEqual(expectedAll);
    const yamlFile = join(dir, 'secrets.yaml');
    await ok(['export', ...both, '--format', 'yaml', '--output', yamlFile]);
    expect(mode(yamlFile)).toBe(0o600);
    const text = readFileSync(yamlFile, 'utf8');
    expect(parseYaml(text)).toEqual(expectedAll);
    // YAML 1.1 readers (PyYAML) must not see booleans or numbers either
    expect(parseYaml(text, { version: '1.1' })).toEqual(expectedAll);
  });

  it('k8s: a v1 Secret named after the last path segment, values base64', async () => {
    const r = await ok(['export', ...both, '--format', 'k8s']);
    const manifest = parseYaml(r.stdout);
    expect(manifest).toMatchObject({ apiVersion: 'v1', kind: 'Secret', type: 'Opaque', metadata: { name: 'hard' } });
    const decoded = Object.fromEntries(Object.entries(manifest.data as Record<string, string>).map(([k, v]) => [k, Buffer.from(v, 'base64').toString('utf8')]));
    expect(decoded).toEqual(expectedAll);
    expectNoValues(r.stdout, { HX_URL: PORTABLE.HX_URL!, HX_UNICODE: PORTABLE.HX_UNICODE! });

    const named = parseYaml((await ok(['export', '--path', 'secret/other/Prod_EU.v2', '--format', 'k8s', '--namespace', 'shop'])).stdout);
    expect(named.metadata).toEqual({ name: 'prod-eu.v2', namespace: 'shop' });
    const custom = parseYaml((await ok(['export', '--path', 'secret/other/Prod_EU.v2', '--format', 'k8s', '--name', 'app-secrets'])).stdout);
    expect(custom.metadata.name).toBe('app-secrets');
    const bad = await hush(['export', '--path', 'secret/other/Prod_EU.v2', '--format', 'k8s', '--name', 'Bad_Name']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^Error: --name "Bad_Name" is not a valid Kubernetes name/);
  });

  it('docker-secrets: one 0600 file per key, holding exactly the value, in a 0700 directory', async () => {
    const out = join(dir, 'run-secrets');
    const r = await ok(['export', ...both, '--format', 'docker-secrets', '--output', out]);
    expectNoValues(r.stdout + r.stderr, expectedAll);
    expect(mode(out)).toBe(0o700);
    expect(readdirSync(out).sort()).toEqual(Object.keys(expectedAll).sort());
    for (const [key, value] of Object.entries(expectedAll)) {
      expect(mode(join(out, key))).toBe(0o600);
      expect(readFileSync(join(out, key), 'utf8')).toBe(value);
    }
    const missing = await hush(['export', ...both, '--format', 'docker-secrets']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^Error: --format docker-secrets needs --output DIR/);
  });

  it('github-env: appends heredoc blocks to $GITHUB_ENV and masks every non-empty line of every value first', async () => {
    const githubEnv = join(dir, 'github_env');
    writeFileSync(githubEnv, 'EARLIER_STEP=kept\n', { mode: 0o644 });
    const r = await ok(['export', ...both, '--format', 'github-env'], { GITHUB_ENV: githubEnv });
    const parsed = readGithubEnv(readFileSync(githubEnv, 'utf8'));
    expect(parsed.get('EARLIER_STEP')).toBe('kept');
    parsed.delete('EARLIER_STEP');
    expect(Object.fromEntries(parsed)).toEqual(expectedAll);

    // stdout is only ::add-mask:: commands, data escaped as the runner unescapes it
    const masks = r.stdout.split('\n').slice(0, -1);
    expect(masks.every((m) => m.startsWith('::add-mask::'))).toBe(true);
    const masked = new Set(masks.map((m) => m.slice('::add-mask::'.length).replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%')));
    for (const [key, value] of Object.entries(expectedAll)) {
      for (const line of value.split(/\r\n|\n/)) {
        if (line.trim() !== '') expect(masked.has(line), `a line of ${key} is not masked`).toBe(true);
      }
    }
    expect(masked.has('')).toBe(false);

    const created = join(dir, 'new_github_env');
    await ok(['export', '--path', 'secret/myapp/base', '--format', 'github-env', '--output', created]);
    expect(mode(created)).toBe(0o600);
    expect(Object.fromEntries(readGithubEnv(readFileSync(created, 'utf8')))).toEqual({ HX_BASE_ONLY: 'base-only', HX_SHARED: 'from-base' });
    const nowhere = await hush(['export', '--path', 'secret/myapp/base', '--format', 'github-env']);
    expect(nowhere.code).toBe(2);
    expect(nowhere.stderr).toMatch(/^Error: --format github-env needs \$GITHUB_ENV/);
  });

  it('combines paths and env files like hush run: a later --path wins, env-file entries win over paths', async () => {
    const envFile = join(dir, 'refs.env');
    writeFileSync(envFile, 'HX_REF=hush://secret/myapp/production#HX_URL\nHX_PLAIN="plain value"\n');
    const r = await ok(['export', '--path', 'secret/myapp/base', '--path', 'secret/myapp/override', '--env-file', envFile, '--format', 'json']);
    expect(JSON.parse(r.stdout)).toEqual({
      HX_BASE_ONLY: 'base-only',
      HX_PLAIN: 'plain value',
      HX_REF: PORTABLE.HX_URL,
      HX_SHARED: 'from-override',
    });
    const missing = await hush(['export', '--path', 'secret/myapp/nothing-here']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe('Error: no secret at secret/myapp/nothing-here (--path secret/myapp/nothing-here)\n');
  });

  it('writes over an existing file without ever widening its mode', async () => {
    const file = join(dir, 'existing.env');
    writeFileSync(file, 'OLD=1\n', { mode: 0o644 });
    await ok(['export', '--path', 'secret/myapp/base', '--output', file]);
    expect(mode(file)).toBe(0o600);
    expect(dotenv.parse(readFileSync(file, 'utf8'))).toEqual({ HX_BASE_ONLY: 'base-only', HX_SHARED: 'from-base' });
  });
});

describe('hush import', () => {
  it('round trip: an exported .env imported into another path gives identical values in one version', async () => {
    const file = join(dir, 'roundtrip.env');
    await ok(['export', '--path', 'secret/myapp/production', '--output', file]);
    const r = await ok(['import', file, '--path', 'secret/myapp/copy']);
    expect(r.stdout).toMatch(/^Success! Imported 22 keys from .* into secret\/data\/myapp\/copy \(version 1\): 22 new\n$/);
    expectNoValues(r.stdout + r.stderr, PORTABLE);
    const copy = await kvData('myapp/copy');
    expect(copy.version).toBe(1);
    expect(copy.data).toEqual(expectedPortable);
  });

  it('round trip through JSON and YAML carries the values .env cannot', async () => {
    for (const format of ['json', 'yaml']) {
      const file = join(dir, `hard.${format}`);
      await ok(['export', '--path', 'secret/myapp/hard', '--path', 'secret/myapp/production', '--format', format, '--output', file]);
      await ok(['import', file, '--path', `secret/myapp/from-${format}`]);
      expect((await kvData(`myapp/from-${format}`)).data).toEqual(expectedAll);
    }
  });

  it('--dry-run lists key names with their change and never a value; it writes nothing', async () => {
    await put('myapp/dev', { HX_KEEP: 'same-value', HX_CHANGE: 'old-value', HX_GONE: 'gone-value' });
    const file = join(dir, 'dev.env');
    writeFileSync(file, "HX_KEEP=same-value\nHX_CHANGE='new-value'\nHX_ADD=\"added value\"\n");
    const r = await ok(['import', file, '--path', 'secret/myapp/dev', '--dry-run']);
    expect(r.stdout).toContain('would write secret/data/myapp/dev (version 2)');
    expect(r.stdout).toMatch(/ unchanged +HX_KEEP\n/);
    expect(r.stdout).toMatch(/ changed +HX_CHANGE\n/);
    expect(r.stdout).toMatch(/ new +HX_ADD\n/);
    expect(r.stdout).toMatch(/ removed +HX_GONE\n/);
    expect(r.stdout).toContain('1 new, 1 changed, 1 unchanged, 1 removed');
    expectNoValues(r.stdout + r.stderr, { a: 'same-value', b: 'old-value', c: 'new-value', d: 'added value', e: 'gone-value' });
    expect(await kvData('myapp/dev')).toEqual({ data: { HX_KEEP: 'same-value', HX_CHANGE: 'old-value', HX_GONE: 'gone-value' }, version: 1 });

    const merge = await ok(['import', file, '--path', 'secret/myapp/dev', '--dry-run', '--merge']);
    expect(merge.stdout).not.toContain('removed');
  });

  it('replaces by default and keeps other keys with --merge, each time as one new version', async () => {
    await put('myapp/stage', { HX_KEEP: 'k', HX_CHANGE: 'old' });
    const file = join(dir, 'stage.json');
    writeFileSync(file, JSON.stringify({ HX_CHANGE: 'new', HX_NUM: 5432, HX_NESTED: { a: [1, 'x'] } }));
    await ok(['import', file, '--path', 'secret/myapp/stage', '--merge']);
    expect(await kvData('myapp/stage')).toEqual({
      data: { HX_KEEP: 'k', HX_CHANGE: 'new', HX_NUM: '5432', HX_NESTED: '{"a":[1,"x"]}' },
      version: 2,
    });
    await ok(['import', file, '--path', 'secret/myapp/stage']);
    expect(await kvData('myapp/stage')).toEqual({ data: { HX_CHANGE: 'new', HX_NUM: '5432', HX_NESTED: '{"a":[1,"x"]}' }, version: 3 });
    const again = await ok(['import', file, '--path', 'secret/myapp/stage']);
    expect(again.stdout).toMatch(/^Nothing to do/);
    expect((await kvData('myapp/stage')).version).toBe(3);
  });

  it('reads .env files by python-dotenv rules, expanding ${VAR} from earlier lines only', async () => {
    const file = join(dir, 'app.env.local');
    writeFileSync(
      file,
      [
        '# comment',
        'export HX_USER=app',
        'HX_HOST = db.internal   # inline comment',
        'HX_URL="postgres://${HX_USER}@${HX_HOST}/${HX_DB:-shop}"',
        "HX_LITERAL='no $expansion here'",
        'HX_MULTI="line1',
        'line2"',
        'HX_ESCAPES="tab\\there \\"quoted\\""',
        'HX_EMPTY= # only a comment',
        '',
      ].join('\n'),
    );
    await ok(['import', file, '--path', 'secret/myapp/parsed']);
    expect((await kvData('myapp/parsed')).data).toEqual({
      HX_USER: 'app',
      HX_HOST: 'db.internal',
      HX_URL: 'postgres://app@db.internal/shop',
      HX_LITERAL: 'no $expansion here',
      HX_MULTI: 'line1\nline2',
      HX_ESCAPES: 'tab\there "quoted"',
      HX_EMPTY: '',
    });
    // python-dotenv itself agrees on this file
    const [readers] = await pythonReaders([file]);
    expect(readers!['python-dotenv']).toEqual((await kvData('myapp/parsed')).data);

    const undefinedRef = join(dir, 'undefined.env');
    writeFileSync(undefinedRef, 'HX_A=${HOME}/x\n');
    const r = await hush(['import', undefinedRef, '--path', 'secret/myapp/undefined']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^Error: .*undefined\.env:1: HX_A refers to \$\{HOME\}, which the file does not define before it/);
    await ok(['import', undefinedRef, '--path', 'secret/myapp/undefined', '--no-expand']);
    expect((await kvData('myapp/undefined')).data).toEqual({ HX_A: '${HOME}/x' });
  });

  it('works on KV version 1 mounts too, with the vault CLI\'s -address flag', async () => {
    expect((await api(server, 'POST', 'sys/mounts/legacy', { token: server.rootToken, body: { type: 'kv', options: { version: '1' } } })).status).toBe(204);
    const file = join(dir, 'legacy.json');
    writeFileSync(file, JSON.stringify({ HX_A: "it's", HX_B: 'b' }));
    // HUSH_ADDR points nowhere: the flag must win
    const noServer = { HUSH_ADDR: 'http://127.0.0.1:9' };
    await ok(['import', file, '-path', 'legacy/app', '-address', server.address], noServer);
    const more = join(dir, 'legacy-more.yaml');
    writeFileSync(more, 'HX_B: changed\nHX_C: 1.10\n');
    await ok(['import', more, '--path', 'legacy/app', '--merge', '--address', server.address], noServer);
    const stored = await api(server, 'GET', 'legacy/app', { token: server.rootToken });
    expect(stored.body.data).toEqual({ HX_A: "it's", HX_B: 'changed', HX_C: '1.10' });
    const r = await ok(['export', '-path', 'legacy/app', '-format', 'dotenv', '-address', server.address], noServer);
    expect(dotenv.parse(r.stdout)).toEqual(stored.body.data);
  });

  it('fails with one line for unreadable, malformed or empty files, never quoting their content', async () => {
    const missing = await hush(['import', join(dir, 'nope.env'), '--path', 'secret/myapp/x']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^Error: cannot read .*nope\.env: ENOENT\n$/);
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{"HX_A": "s3cr3t-value-here}');
    const r = await hush(['import', bad, '--path', 'secret/myapp/x']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^Error: .*bad\.json: not valid JSON\n$/);
    const badYaml = join(dir, 'bad.yml');
    writeFileSync(badYaml, 'HX_A: s3cr3t-value-here\nHX_A: again\n');
    const y = await hush(['import', badYaml, '--path', 'secret/myapp/x']);
    expect(y.stderr).toMatch(/^Error: .*bad\.yml:2: not valid YAML\n$/);
    const unterminated = join(dir, 'unterminated.env');
    writeFileSync(unterminated, 'HX_A="s3cr3t-value-here\n');
    const u = await hush(['import', unterminated, '--path', 'secret/myapp/x']);
    expect(u.stderr).toMatch(/^Error: .*unterminated\.env:1: unterminated double-quoted value\n$/);
    const empty = join(dir, 'empty.env');
    writeFileSync(empty, '# nothing\n');
    const e = await hush(['import', empty, '--path', 'secret/myapp/x']);
    expect(e.stderr).toMatch(/has no variables: nothing to import\n$/);
    for (const res of [r, y, u]) expect(res.stderr).not.toContain('s3cr3t');
    expect((await api(server, 'GET', 'secret/data/myapp/x', { token: server.rootToken })).status).toBe(404);
  });
});
