import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Storage, StorageOp } from '../storage/storage.js';
import { createAuditBroker, normalizeDevicePath } from './audit-broker.js';
import type { AuditResponseInput } from './audit-entry.js';
import { verifyAuditLog } from './audit-verify.js';

/** A minimal in-memory Storage (the real ones live in storage/). */
function memoryStorage(): Storage & { keys(): string[] } {
  const map = new Map<string, Uint8Array>();
  return {
    keys: () => [...map.keys()].sort(),
    get: async (k) => map.get(k),
    put: async (k, v) => void map.set(k, new Uint8Array(v)),
    delete: async (k) => void map.delete(k),
    list: async (prefix) => [...map.keys()].filter((k) => k.startsWith(prefix)).sort(),
    transaction: async (ops: readonly StorageOp[]) => {
      for (const op of ops) {
        if (op.kind === 'put') map.set(op.key, new Uint8Array(op.value));
        else map.delete(op.key);
      }
    },
  };
}

const SECRETS = ['s3cr3t-db-password', 'hvs.CAESIroot-token', 'hvs.CAESInew-token', 'accessor-abc', 'wrap-token-xyz'];

const input: AuditResponseInput = {
  request: {
    id: '6b1f',
    operation: 'update',
    path: 'secret/data/myapp/database',
    data: { data: { password: SECRETS[0], port: 5432 } },
    remoteAddress: '127.0.0.1',
    clientToken: SECRETS[1],
    clientTokenAccessor: SECRETS[3],
    mountType: 'kv',
    mountPoint: 'secret/',
  },
  auth: { clientToken: SECRETS[1], accessor: SECRETS[3], policies: ['root'], tokenType: 'service' },
  response: {
    data: { password: SECRETS[0] },
    auth: { client_token: SECRETS[2] ?? '', accessor: 'new-acc', policies: ['default'] },
    wrapInfo: { token: SECRETS[4] ?? '', accessor: 'wacc', ttl: 60, creation_time: 'now', creation_path: 'p' },
  },
};

let dir: string;
let warnings: string[];
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hush-audit-broker-'));
  warnings = [];
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function broker(storage: Storage) {
  return createAuditBroker({ storage, warn: (m) => void warnings.push(m) });
}

const readLines = async (file: string) =>
  (await readFile(file, 'utf8'))
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as Record<string, Record<string, unknown>>);

describe('audit broker', () => {
  it('enables, lists (Vault shape), persists and disables devices', async () => {
    const storage = memoryStorage();
    const b = broker(storage);
    expect(b.hasDevices()).toBe(false);
    await b.enable('file', 'file', { file_path: join(dir, 'a.log') }, 'main log');
    expect(b.hasDevices()).toBe(true);
    expect(b.list()).toEqual({
      'file/': { type: 'file', description: 'main log', options: { file_path: join(dir, 'a.log') }, path: 'file/', local: false },
    });
    expect(storage.keys()).toEqual(['devices', 'salt/file']);
    expect((await storage.get('salt/file'))?.length).toBe(32);
    await expect(b.enable('file/', 'file', { file_path: join(dir, 'b.log') })).rejects.toMatchObject({ code: 'bad_request' });
    await expect(b.enable('file/nested', 'file', { file_path: join(dir, 'b.log') })).rejects.toMatchObject({
      code: 'bad_request',
    });
    await b.disable('file');
    await b.disable('file'); // twice is fine
    expect(b.list()).toEqual({});
    expect(storage.keys()).toEqual(['devices']);
    await b.close();
  });

  it('refuses bad paths, types and options without persisting anything', async () => {
    const storage = memoryStorage();
    const b = broker(storage);
    expect(() => normalizeDevicePath('a/../b')).toThrow();
    expect(normalizeDevicePath('/a/b/')).toBe('a/b/');
    await expect(b.enable('x', 'syslog', {})).rejects.toMatchObject({ code: 'bad_request' });
    await expect(b.enable('x', 'file', {})).rejects.toMatchObject({ code: 'bad_request' });
    await writeFile(join(dir, 'plain-file'), '');
    await expect(b.enable('x', 'file', { file_path: join(dir, 'plain-file', 'audit.log') })).rejects.toMatchObject({
      code: 'bad_request',
    });
    expect(storage.keys()).toEqual([]);
    expect(b.hasDevices()).toBe(false);
  });

  it('writes request and response entries with no secret in the file bytes, mode 0600', async () => {
    const file = join(dir, 'audit.log');
    const b = broker(memoryStorage());
    await b.enable('file', 'file', { file_path: file });
    await b.logRequest(input);
    await b.logResponse(input);
    await b.close();
    const bytes = await readFile(file, 'utf8');
    for (const secret of SECRETS) expect(bytes).not.toContain(secret);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    const [req, res] = await readLines(file);
    expect(req?.['type']).toBe('request');
    expect(req?.['request']).toMatchObject({ id: '6b1f', path: 'secret/data/myapp/database', namespace: { id: 'root' } });
    expect(req?.['request']?.['data']).toMatchObject({ data: { port: 5432 } });
    expect(res?.['type']).toBe('response');
    expect(res?.['response']?.['data']).toEqual({ password: expect.stringMatching(/^hmac-sha256:[0-9a-f]{64}$/) });
    await expect(verifyAuditLog(file)).resolves.toMatchObject({ ok: true, lines: 2 });
  });

  it('sys/audit-hash gives the value found in the log, also after a restart', async () => {
    const storage = memoryStorage();
    const file = join(dir, 'audit.log');
    const b = broker(storage);
    await b.enable('file', 'file', { file_path: file });
    await b.logResponse(input);
    const [entry] = await readLines(file);
    const logged = (entry?.['response']?.['data'] as Record<string, string>)['password'];
    expect(await b.hash('file', SECRETS[0] ?? '')).toBe(logged);
    await b.close();

    const restarted = broker(storage);
    await restarted.load();
    expect(Object.keys(restarted.list())).toEqual(['file/']);
    expect(await restarted.hash('file/', SECRETS[0] ?? '')).toBe(logged);
    await restarted.logRequest(input);
    await restarted.close();
    await expect(verifyAuditLog(file)).resolves.toMatchObject({ ok: true, lines: 2 });
    await expect(restarted.hash('nope', 'x')).rejects.toMatchObject({ code: 'bad_request' });
  });

  it('remembers callers’ token hashes by token key without mixing callers, and reuses the request line’s blocks', async () => {
    const file = join(dir, 'audit.log');
    const b = broker(memoryStorage());
    await b.enable('file', 'file', { file_path: file });
    const asCaller = (token: string, key: string, id: string): AuditResponseInput => ({
      request: { ...input.request, id, clientToken: token, clientTokenKey: key },
      auth: { ...input.auth, clientToken: token },
      response: { data: { ok: true } },
    });
    const first = asCaller('hvs.first-caller-token', 'key-1', 'r1');
    const second = asCaller('hvs.second-caller-token', 'key-2', 'r2');
    for (const call of [first, second, asCaller('hvs.first-caller-token', 'key-1', 'r3')]) {
      await b.logRequest(call);
      await b.logResponse(call);
    }
    const lines = await readLines(file);
    expect(lines).toHaveLength(6);
    const expectFirst = await b.hash('file', 'hvs.first-caller-token');
    const expectSecond = await b.hash('file', 'hvs.second-caller-token');
    const tokens = lines.map((l) => [l['request']?.['client_token'], l['auth']?.['client_token']]);
    expect(tokens).toEqual([
      [expectFirst, expectFirst],
      [expectFirst, expectFirst],
      [expectSecond, expectSecond],
      [expectSecond, expectSecond],
      [expectFirst, expectFirst],
      [expectFirst, expectFirst],
    ]);
    expect(lines.every((l) => !('clientTokenKey' in (l['request'] ?? {})) && !JSON.stringify(l).includes('key-1'))).toBe(true);
    expect(lines[0]?.['request']).toEqual(lines[1]?.['request']);
    await b.close();
  });

  it('remembers a request block without data apart from its id, per caller, path and address, never for raw logs', async () => {
    const file = join(dir, 'audit.log');
    const raw = join(dir, 'raw.log');
    const b = broker(memoryStorage());
    await b.enable('file', 'file', { file_path: file });
    await b.enable('raw', 'file', { file_path: raw, log_raw: 'true' });
    const read = (id: string, change: Partial<AuditResponseInput['request']> = {}): AuditResponseInput => ({
      request: { ...input.request, operation: 'read', data: {}, id, clientTokenKey: 'key-1', ...change },
      auth: input.auth,
      response: { data: { ok: true } },
    });
    const calls = [
      read('r1'),
      read('r2'),
      read('r3', { remoteAddress: '10.0.0.9' }),
      read('r4', { path: 'secret/data/other' }),
      read('r5', { clientToken: 'hvs.another-caller', clientTokenKey: 'key-2', clientTokenAccessor: 'acc-2' }),
      read('r6', { data: { version: '2' } }),
      read('r7', { data: undefined }),
      read('r8'),
    ];
    for (const call of calls) {
      await b.logRequest(call);
      await b.logResponse(call);
    }
    // every block carries its own request's fields, remembered or not
    const requests = (await readLines(file)).map((l) => l['request']);
    expect(requests.map((r) => r?.['id'])).toEqual(['r1', 'r1', 'r2', 'r2', 'r3', 'r3', 'r4', 'r4', 'r5', 'r5', 'r6', 'r6', 'r7', 'r7', 'r8', 'r8']);
    const hashOf = (value: string) => b.hash('file', value);
    for (const [i, call] of calls.entries()) {
      const got = requests[2 * i];
      expect(got?.['remote_address']).toBe(call.request.remoteAddress);
      expect(got?.['path']).toBe(call.request.path);
      expect(got?.['client_token']).toBe(await hashOf(call.request.clientToken ?? ''));
      expect(got?.['client_token_accessor']).toBe(await hashOf(call.request.clientTokenAccessor ?? ''));
      expect('data' in (got ?? {})).toBe(call.request.data !== undefined);
    }
    expect(requests[10]?.['data']).toEqual({ version: await hashOf('2') });
    const { id: _1, ...first } = requests[0] ?? {};
    const { id: _8, ...last } = requests[14] ?? {};
    expect(last).toEqual(first);
    const rawTokens = (await readLines(raw)).map((l) => l['request']?.['client_token']);
    expect(rawTokens[8]).toBe('hvs.another-caller');
    expect(rawTokens[14]).toBe(input.request.clientToken);
    await b.close();
  });

  it("serialises a caller's auth block once per frozen source, per device, and never mixes sources", async () => {
    const file = join(dir, 'audit.log');
    const raw = join(dir, 'raw.log');
    const b = broker(memoryStorage());
    await b.enable('file', 'file', { file_path: file });
    await b.enable('raw', 'file', { file_path: raw, log_raw: 'true' });
    const entryA = Object.freeze({ token: 'a' });
    const entryB = Object.freeze({ token: 'b' });
    const call = (id: string, source: object, displayName: string, token: string): AuditResponseInput => ({
      request: { ...input.request, id, clientToken: token },
      auth: { ...input.auth, clientToken: token, displayName, source },
      response: { data: { ok: true } },
    });
    // the second call claims another display name for the same source: the kept block wins,
    // which is why a source may only be given for blocks derived from it
    for (const c of [call('r1', entryA, 'first', 'hvs.token-a'), call('r2', entryA, 'changed', 'hvs.token-a'), call('r3', entryB, 'other', 'hvs.token-b')]) {
      await b.logRequest(c);
      await b.logResponse(c);
    }
    const names = (await readLines(file)).map((l) => l['auth']?.['display_name']);
    expect(names).toEqual(['first', 'first', 'first', 'first', 'other', 'other']);
    const rawLines = await readLines(raw);
    expect(rawLines.map((l) => l['auth']?.['client_token'])).toEqual(['hvs.token-a', 'hvs.token-a', 'hvs.token-a', 'hvs.token-a', 'hvs.token-b', 'hvs.token-b']);
    const hashedA = await b.hash('file', 'hvs.token-a');
    expect((await readLines(file))[0]?.['auth']?.['client_token']).toBe(hashedA);
    await b.close();
  });

  it('each device has its own salt', async () => {
    const b = broker(memoryStorage());
    await b.enable('one', 'file', { file_path: 'discard' });
    await b.enable('two', 'file', { file_path: 'discard' });
    expect(await b.hash('one', 'v')).not.toBe(await b.hash('two', 'v'));
  });

  it('log_raw=true and hmac_accessor=false are honoured', async () => {
    const file = join(dir, 'raw.log');
    const b = broker(memoryStorage());
    await b.enable('raw', 'file', { file_path: file, log_raw: 'true' });
    await b.logRequest(input);
    await b.enable('acc', 'file', { file_path: join(dir, 'acc.log'), hmac_accessor: 'false' });
    await b.logRequest(input);
    await b.close();
    expect(await readFile(file, 'utf8')).toContain(SECRETS[0]);
    const [acc] = await readLines(join(dir, 'acc.log'));
    expect(acc?.['request']?.['client_token_accessor']).toBe(SECRETS[3]);
    expect(acc?.['request']?.['client_token']).toMatch(/^hmac-sha256:/);
  });

  it('writes the prefix before each line and the chain still verifies', async () => {
    const file = join(dir, 'p.log');
    const b = broker(memoryStorage());
    await b.enable('p', 'file', { file_path: file, prefix: 'AUDIT: ' });
    await b.logRequest(input);
    await b.logResponse(input);
    await b.close();
    expect((await readFile(file, 'utf8')).startsWith('AUDIT: {')).toBe(true);
    await expect(verifyAuditLog(file, { prefix: 'AUDIT: ' })).resolves.toMatchObject({ ok: true, lines: 2 });
  });

  it('sends entries to stdout and discard devices', async () => {
    const stream = new PassThrough();
    const out: string[] = [];
    stream.on('data', (c: Buffer) => out.push(c.toString()));
    const b = createAuditBroker({ storage: memoryStorage(), stdout: stream });
    await b.enable('out', 'file', { file_path: 'stdout' });
    await b.enable('null', 'file', { file_path: 'discard' });
    await b.logRequest(input);
    expect(out.join('')).toMatch(/^\{"time":.*"type":"request".*\}\n$/);
    expect(out.join('')).not.toContain(SECRETS[0]);
  });

  it('does nothing when no device is enabled', async () => {
    await expect(broker(memoryStorage()).logRequest(input)).resolves.toBeUndefined();
  });

  it('a stored device with invalid options is restored as failing (closed), not dropped', async () => {
    const storage = memoryStorage();
    const first = broker(storage);
    await first.enable('file', 'file', { file_path: 'discard' }, '', true);
    expect(first.list()['file/']?.local).toBe(true);
    const table = JSON.parse(Buffer.from((await storage.get('devices')) ?? []).toString()) as {
      devices: { options: Record<string, string> }[];
    };
    (table.devices[0] ?? { options: {} }).options = { file_path: 'discard', mode: 'rwx' };
    await storage.put('devices', new Uint8Array(Buffer.from(JSON.stringify(table))));
    const b = broker(storage);
    await b.load();
    expect(b.hasDevices()).toBe(true);
    expect(warnings).toEqual(['audit device file/ has invalid stored options']);
    await expect(b.logRequest(input)).rejects.toMatchObject({ code: 'internal' });
  });

  describe('fail closed', () => {
    /** A device whose directory is replaced by a plain file after enable, so writes fail. */
    async function breakDirectory(sub: string): Promise<string> {
      await rm(join(dir, sub), { recursive: true, force: true });
      await writeFile(join(dir, sub), 'not a directory');
      return sub;
    }

    it('rejects when the only device cannot write', async () => {
      await mkdir(join(dir, 'logs'));
      const b = broker(memoryStorage());
      await b.enable('file', 'file', { file_path: join(dir, 'logs', 'audit.log') });
      await b.logRequest(input);
      await breakDirectory('logs');
      await b.reopen(); // e.g. SIGHUP after rotation: the file can no longer be opened
      await expect(b.logRequest(input)).rejects.toMatchObject({ code: 'internal', message: 'audit log failure' });
      await expect(b.logResponse(input)).rejects.toMatchObject({ code: 'internal' });
    });

    it('continues and warns when one of several devices fails', async () => {
      await mkdir(join(dir, 'logs'));
      const good = join(dir, 'good.log');
      const b = broker(memoryStorage());
      await b.enable('bad', 'file', { file_path: join(dir, 'logs', 'audit.log') });
      await b.enable('good', 'file', { file_path: good });
      await breakDirectory('logs');
      await b.reopen();
      await expect(b.logRequest(input)).resolves.toBeUndefined();
      expect(warnings).toEqual(['audit device bad/ failed to write an entry']);
      await b.close();
      expect(await readLines(good)).toHaveLength(1);
    });

    it('a restored device whose file cannot be opened fails closed', async () => {
      const storage = memoryStorage();
      await mkdir(join(dir, 'logs'));
      const first = broker(storage);
      await first.enable('file', 'file', { file_path: join(dir, 'logs', 'audit.log') });
      await first.close();
      await breakDirectory('logs');
      const b = broker(storage);
      await b.load();
      expect(b.hasDevices()).toBe(true);
      await expect(b.logRequest(input)).rejects.toMatchObject({ code: 'internal' });
    });
  });
});
