import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sha256Hex } from '../lib/sha256.js';
import { GENESIS, SealScratch, parseChainLine, sealLine, sealLines, EMPTY_CHAIN } from './audit-chain.js';
import { verifyAuditLog } from './audit-verify.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hush-verify-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Sealed lines `{"n":1,...}` … `{"n":count,...}`, without newlines. */
function chainOf(count: number, prefix = ''): string[] {
  const out: string[] = [];
  let state = EMPTY_CHAIN;
  for (let n = 1; n <= count; n++) {
    const sealed = sealLine(`${prefix}{"type":"request","n":${n}}`, state);
    out.push(sealed.line);
    state = sealed.next;
  }
  return out;
}

async function verifyLines(lines: string[], opts: { prefix?: string; trailingNewline?: boolean } = {}) {
  const file = join(dir, 'audit.log');
  await writeFile(file, lines.join('\n') + (opts.trailingNewline === false ? '' : '\n'));
  return verifyAuditLog(file, opts.prefix === undefined ? {} : { prefix: opts.prefix });
}

describe('hash chain', () => {
  it('seals lines with hush_seq and the digest of the previous line', () => {
    const [a, b] = chainOf(2);
    expect(parseChainLine(a ?? '')).toEqual({ seq: 1, chain: GENESIS });
    expect(parseChainLine(b ?? '')).toEqual({ seq: 2, chain: sha256Hex(a ?? '') });
    expect(GENESIS).toBe(sha256Hex(''));
    expect(JSON.parse(b ?? '')).toMatchObject({ type: 'request', n: 2, hush_seq: 2 });
  });

  it('rejects a line that is not a JSON object', () => {
    expect(() => sealLine('not json', EMPTY_CHAIN)).toThrow();
    expect(() => sealLines(['{"a":1}', 'not json'], EMPTY_CHAIN)).toThrow();
  });

  it('seals a batch into the same bytes as line by line (empty objects, prefixes, non-ASCII)', () => {
    const lines = ['{}', 'audit: {"a":"é€😀"}', `{"big":"${'ü'.repeat(3000)}"}`, '{"lone":"\ud800"}'];
    let state = EMPTY_CHAIN;
    const oneByOne: string[] = [];
    for (const line of lines) {
      const sealed = sealLine(line, state);
      oneByOne.push(`${sealed.line}\n`);
      state = sealed.next;
    }
    const batch = sealLines(lines, EMPTY_CHAIN);
    expect(batch.bytes.toString('utf8')).toBe(oneByOne.join(''));
    expect(batch.next).toEqual(state);
    expect(batch.next.head).toBe(sha256Hex(oneByOne[3]!.slice(0, -1)));
    expect(JSON.parse(oneByOne[0]!)).toEqual({ hush_seq: 1, hush_chain: GENESIS });
  });

  it('seals lines given as pieces like their joined text, reusing one scratch buffer batch after batch', () => {
    const lines = ['{}', 'audit: {"a":"é€😀"}', `{"big":"${'ü'.repeat(3000)}"}`, '{"lone":"\ud800"}', '{"x":{}}'];
    const split = (line: string): string[] => [line.slice(0, 1), line.slice(1, -1), '', line.slice(-1)];
    const scratch = new SealScratch();
    let joined = EMPTY_CHAIN;
    let pieces = EMPTY_CHAIN;
    for (let round = 0; round < 3; round++) {
      const expected = sealLines(lines, joined);
      const got = sealLines(lines.map(split), pieces, scratch);
      expect(got.bytes.toString('utf8')).toBe(expected.bytes.toString('utf8'));
      expect(got.next).toEqual(expected.next);
      joined = expected.next;
      pieces = got.next;
    }
    expect(pieces.seq).toBe(15);
    // a later, smaller batch overwrites the scratch: only its own bytes are handed out
    const small = sealLines([['{"n":', '1}']], pieces, scratch);
    expect(small.bytes.toString('utf8')).toBe(`{"n":1,"hush_seq":16,"hush_chain":"${pieces.head}"}\n`);
  });
});

describe('verifyAuditLog', () => {
  it('accepts a clean file and an empty file', async () => {
    const lines = chainOf(5);
    await expect(verifyLines(lines)).resolves.toEqual({ ok: true, lines: 5, head: sha256Hex(lines[4] ?? '') });
    const empty = join(dir, 'empty.log');
    await writeFile(empty, '');
    await expect(verifyAuditLog(empty)).resolves.toMatchObject({ ok: true, lines: 0 });
  });

  it('names an edited line as altered (content edit detected by the next line)', async () => {
    const lines = chainOf(5);
    lines[2] = (lines[2] ?? '').replace('"n":3', '"n":33');
    await expect(verifyLines(lines)).resolves.toMatchObject({ ok: false, line: 3, reason: 'altered' });
  });

  it('names a line whose hush_chain was edited as altered', async () => {
    const lines = chainOf(5);
    lines[2] = (lines[2] ?? '').replace(/"hush_chain":"[0-9a-f]{64}"/, `"hush_chain":"${'0'.repeat(64)}"`);
    await expect(verifyLines(lines)).resolves.toMatchObject({ ok: false, line: 3, reason: 'altered' });
  });

  it('names a line whose hush_seq was edited as altered', async () => {
    const lines = chainOf(5);
    lines[2] = (lines[2] ?? '').replace('"hush_seq":3', '"hush_seq":9');
    await expect(verifyLines(lines)).resolves.toMatchObject({ ok: false, line: 3, reason: 'altered' });
  });

  it('names an edited first line as altered', async () => {
    const lines = chainOf(3);
    lines[0] = (lines[0] ?? '').replace('"n":1', '"n":7');
    await expect(verifyLines(lines)).resolves.toMatchObject({ ok: false, line: 1, reason: 'altered' });
  });

  it('reports a removed line at the line after the gap', async () => {
    const lines = chainOf(6);
    lines.splice(2, 2); // drop seq 3 and 4
    await expect(verifyLines(lines)).resolves.toMatchObject({ ok: false, line: 3, reason: 'removed' });
  });

  it('reports lines removed from the start of the file', async () => {
    const lines = chainOf(4).slice(1);
    await expect(verifyLines(lines)).resolves.toMatchObject({ ok: false, line: 1, reason: 'removed' });
  });

  it('reports swapped lines as reordered at the first moved line', async () => {
    const lines = chainOf(6);
    [lines[2], lines[3]] = [lines[3] ?? '', lines[2] ?? ''];
    await expect(verifyLines(lines)).resolves.toMatchObject({ ok: false, line: 3, reason: 'reordered' });
  });

  it('reports a line moved far down as reordered', async () => {
    const lines = chainOf(8);
    const [moved] = lines.splice(1, 1);
    lines.push(moved ?? '');
    await expect(verifyLines(lines)).resolves.toMatchObject({ ok: false, line: 2, reason: 'reordered' });
  });

  it('reports a file cut in the middle of a line as truncated', async () => {
    const lines = chainOf(4);
    lines[3] = (lines[3] ?? '').slice(0, 20);
    await expect(verifyLines(lines, { trailingNewline: false })).resolves.toMatchObject({
      ok: false,
      line: 4,
      reason: 'truncated',
    });
  });

  it('cannot see whole lines cut from the end (documented): the rest still verifies', async () => {
    await expect(verifyLines(chainOf(4).slice(0, 2))).resolves.toMatchObject({ ok: true, lines: 2 });
  });

  it('reports malformed and empty lines', async () => {
    const lines = chainOf(3);
    await expect(verifyLines([lines[0] ?? '', 'garbage', ...lines.slice(1)])).resolves.toMatchObject({
      ok: false,
      line: 2,
      reason: 'malformed',
    });
    await expect(verifyLines([lines[0] ?? '', '', ...lines.slice(1)])).resolves.toMatchObject({
      line: 2,
      reason: 'malformed',
    });
  });

  it('handles a prefix, given or found', async () => {
    const lines = chainOf(3, 'hush-audit: {x} ');
    await expect(verifyLines(lines, { prefix: 'hush-audit: {x} ' })).resolves.toMatchObject({ ok: true, lines: 3 });
    const plain = chainOf(3, 'AUDIT ');
    await expect(verifyLines(plain)).resolves.toMatchObject({ ok: true, lines: 3 });
  });

  it('verifies lines longer than one read chunk', async () => {
    let state = EMPTY_CHAIN;
    const lines: string[] = [];
    for (let i = 0; i < 3; i++) {
      const sealed = sealLine(JSON.stringify({ big: 'é'.repeat(100_000 + i) }), state);
      lines.push(sealed.line);
      state = sealed.next;
    }
    await expect(verifyLines(lines)).resolves.toMatchObject({ ok: true, lines: 3 });
    expect((await readFile(join(dir, 'audit.log'))).length).toBeGreaterThan(600_000);
  });
});
