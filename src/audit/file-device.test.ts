import fs from 'node:fs';
import { chmod, mkdtemp, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { parseChainLine } from './audit-chain.js';
import { parseDeviceSettings } from './audit-device.js';
import { verifyAuditLog } from './audit-verify.js';
import { createDiscardDevice } from './discard-device.js';
import { createFileDevice } from './file-device.js';
import { createStdoutDevice } from './stdout-device.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hush-file-device-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function device(file: string, options: Record<string, string> = {}) {
  const opts = { file_path: file, ...options };
  return createFileDevice({ path: 'file/', options: opts, settings: parseDeviceSettings('file', opts) });
}

const lines = async (file: string) => (await readFile(file, 'utf8')).split('\n').filter((l) => l !== '');

describe('file audit device', () => {
  it('creates the file with mode 0600 by default, or the mode given', async () => {
    const a = device(join(dir, 'a.log'));
    await a.write('{"n":1}');
    await a.close();
    expect((await stat(join(dir, 'a.log'))).mode & 0o777).toBe(0o600);

    await writeFile(join(dir, 'b.log'), '', { mode: 0o644 });
    const b = device(join(dir, 'b.log'), { mode: '0640' });
    await b.write('{"n":1}');
    await b.close();
    expect((await stat(join(dir, 'b.log'))).mode & 0o777).toBe(0o640);

    await writeFile(join(dir, 'c.log'), '');
    await chmod(join(dir, 'c.log'), 0o644);
    const c = device(join(dir, 'c.log'), { mode: '0000' });
    await c.write('{"n":1}');
    await c.close();
    expect((await stat(join(dir, 'c.log'))).mode & 0o777).toBe(0o644);
  });

  it('rejects executable modes and non-json formats', () => {
    expect(() => parseDeviceSettings('file', { file_path: 'x', mode: '0755' })).toThrow(/executable/);
    expect(() => parseDeviceSettings('file', { file_path: 'x', format: 'jsonx' })).toThrow(/format/);
    expect(() => parseDeviceSettings('file', {})).toThrow(/file_path/);
    expect(() => parseDeviceSettings('socket', { file_path: 'x' })).toThrow(/unsupported/);
    expect(() => parseDeviceSettings('file', { file_path: 'x', log_raw: 'maybe' })).toThrow(/boolean/);
    expect(parseDeviceSettings('file', { file_path: 'x', log_raw: 'true', hmac_accessor: 'false' })).toMatchObject({
      logRaw: true,
      hmacAccessor: false,
      mode: 0o600,
      prefix: '',
    });
  });

  it('appends chained lines and continues the chain after a restart', async () => {
    const file = join(dir, 'audit.log');
    const first = device(file);
    await Promise.all([first.write('{"n":1}'), first.write('{"n":2}')]);
    await first.close();
    const second = device(file); // a new process appending to the same file
    await second.write('{"n":3}');
    await second.close();
    const all = await lines(file);
    expect(all.map((l) => JSON.parse(l).n)).toEqual([1, 2, 3]);
    expect(all.map((l) => parseChainLine(l)?.seq)).toEqual([1, 2, 3]);
    await expect(verifyAuditLog(file)).resolves.toMatchObject({ ok: true, lines: 3 });
  });

  it('refuses to append after a torn or foreign last line (fail closed)', async () => {
    const file = join(dir, 'audit.log');
    await writeFile(file, '{"n":1,"hush_seq":1,"hush_chain":"abc');
    await expect(device(file).write('{"n":2}')).rejects.toMatchObject({ code: 'unavailable' });
    await writeFile(file, '{"vault":"line"}\n');
    await expect(device(file).open?.()).rejects.toThrow(/not a hush chain line/);
  });

  it('fails every caller of a batch when the file cannot be opened', async () => {
    await writeFile(join(dir, 'not-a-dir'), '');
    const d = device(join(dir, 'not-a-dir', 'audit.log'));
    const results = await Promise.allSettled([d.write('{"n":1}'), d.write('{"n":2}')]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
  });

  it('reopen() starts writing to a new file after rotation', async () => {
    const file = join(dir, 'audit.log');
    const d = device(file);
    await d.write('{"n":1}');
    await rename(file, join(dir, 'audit.log.1'));
    await d.write('{"n":2}'); // still the old, renamed file
    await d.reopen();
    await d.write('{"n":3}');
    await d.close();
    expect((await lines(join(dir, 'audit.log.1'))).length).toBe(2);
    expect((await lines(file)).map((l) => parseChainLine(l)?.seq)).toEqual([1]);
    await expect(verifyAuditLog(join(dir, 'audit.log.1'))).resolves.toMatchObject({ ok: true, lines: 2 });
    await expect(verifyAuditLog(file)).resolves.toMatchObject({ ok: true, lines: 1 });
  });

  it('writes the lines queued in one tick with one write call: on the event loop when one is awaited, else from the thread pool', async () => {
    const onLoop = vi.spyOn(fs, 'writeSync');
    const inPool = vi.spyOn(fs, 'write');
    try {
      const d = device(join(dir, 'audit.log'));
      await Promise.all(Array.from({ length: 100 }, (_, n) => d.write(`{"n":${n}}`, n === 50)));
      expect([onLoop.mock.calls.length, inPool.mock.calls.length]).toEqual([1, 0]);
      await Promise.all(Array.from({ length: 100 }, (_, n) => d.write(`{"n":${100 + n}}`)));
      expect([onLoop.mock.calls.length, inPool.mock.calls.length]).toEqual([1, 1]);
      await d.close();
    } finally {
      onLoop.mockRestore();
      inPool.mockRestore();
    }
    expect((await lines(join(dir, 'audit.log'))).map((l) => (JSON.parse(l) as { n: number }).n)).toEqual(Array.from({ length: 200 }, (_, n) => n));
    await expect(verifyAuditLog(join(dir, 'audit.log'))).resolves.toMatchObject({ ok: true, lines: 200 });
  });

  it('fails every caller of a batch whose write fails, on the event loop or from the thread pool, then reopens', async () => {
    const file = join(dir, 'audit.log');
    const d = device(file);
    await d.write('{"n":0}');
    const failure = Object.assign(new Error('no space left on device'), { code: 'ENOSPC' });
    const onLoop = vi.spyOn(fs, 'writeSync').mockImplementation(() => {
      throw failure;
    });
    const inPool = vi.spyOn(fs, 'write').mockImplementation(((...args: unknown[]) => {
      (args[args.length - 1] as (err: Error) => void)(failure);
    }) as typeof fs.write);
    try {
      const awaited = [d.write('{"n":1}', true), d.write('{"n":2}')];
      await expect(Promise.all(awaited)).rejects.toMatchObject({ code: 'unavailable' });
      await expect(Promise.allSettled(awaited)).resolves.toMatchObject([{ status: 'rejected' }, { status: 'rejected' }]);
      const unawaited = [d.write('{"n":3}'), d.write('{"n":4}')];
      await expect(Promise.allSettled(unawaited)).resolves.toMatchObject([{ status: 'rejected' }, { status: 'rejected' }]);
    } finally {
      onLoop.mockRestore();
      inPool.mockRestore();
    }
    await d.write('{"n":5}');
    await d.close();
    expect((await lines(file)).map((l) => (JSON.parse(l) as { n: number }).n)).toEqual([0, 5]);
    await expect(verifyAuditLog(file)).resolves.toMatchObject({ ok: true, lines: 2 });
  });

  it('rejects writes after close', async () => {
    const d = device(join(dir, 'audit.log'));
    await d.close();
    await expect(d.write('{}')).rejects.toMatchObject({ code: 'unavailable' });
  });

  it('lands 10,000 concurrent writes, in order of completion, with a valid chain', async () => {
    const file = join(dir, 'audit.log');
    const d = device(file);
    const completed: number[] = [];
    const writes: Promise<void>[] = [];
    for (let n = 0; n < 10_000; n++) {
      writes.push(d.write(`{"n":${n}}`).then(() => void completed.push(n)));
      if (n % 1000 === 0) await new Promise((r) => setImmediate(r)); // spread over several ticks
    }
    await Promise.all(writes);
    await d.close();
    const written = (await lines(file)).map((l) => JSON.parse(l).n as number);
    expect(written).toHaveLength(10_000);
    expect(written).toEqual(completed);
    await expect(verifyAuditLog(file)).resolves.toMatchObject({ ok: true, lines: 10_000 });
  });
});

describe('stream and discard devices', () => {
  it('stdout device writes one line per entry, unchained', async () => {
    const stream = new PassThrough();
    const chunks: string[] = [];
    stream.on('data', (c: Buffer) => chunks.push(c.toString()));
    const d = createStdoutDevice({ path: 'out/', options: { file_path: 'stdout' }, stream });
    await d.write('{"n":1}');
    await d.write('{"n":2}');
    expect(chunks.join('')).toBe('{"n":1}\n{"n":2}\n');
    await d.close();
    await expect(d.write('{}')).rejects.toThrow();
  });

  it('discard device accepts everything', async () => {
    const d = createDiscardDevice({ path: 'd/', options: { file_path: 'discard' } });
    await expect(d.write('{}')).resolves.toBeUndefined();
  });
});
