/**
 * `node --import tsx bench/mask.ts`: masking throughput of `hush run`'s stream masker on 1 GB of
 * log-like output (64 KiB chunks, as a pipe delivers them) with 100 secrets registered, next to
 * a plain pass-through copy of the same data in the same run. Prints figures, never pass/fail.
 * BENCH_MASK_MB sets the volume (default 1024).
 */
import { randomBytes } from 'node:crypto';
import { compileMaskSet, createMasker, maskSetStates } from '../src/redact/stream-masker.js';
import type { Masker } from '../src/redact/stream-masker.js';

const totalMiB = Number(process.env.BENCH_MASK_MB ?? 1024);
const CHUNK = 64 * 1024;

function makeBlock(secrets: readonly string[]): Buffer {
  const words = ['GET', 'POST', '/api/v1/items', 'status=200', 'user=alice', 'took', 'ms', 'INFO', 'DEBUG', 'cache', 'miss'];
  const lines: string[] = [];
  let size = 0;
  let i = 0;
  while (size < 16 * 1024 * 1024) {
    const parts = [`2026-11-23T11:${String(i % 60).padStart(2, '0')}:00.${String(i % 1000).padStart(3, '0')}Z`];
    for (let k = 0; k < 8; k++) parts.push(words[(i * 7 + k * 13) % words.length]!);
    parts.push(`id=${(i * 2654435761) % 1_000_000_007}`);
    if (i % 500 === 0) parts.push(`password=${secrets[i % secrets.length]}`);
    const line = `${parts.join(' ')}\n`;
    lines.push(line);
    size += line.length;
    i++;
  }
  return Buffer.from(lines.join(''));
}

function chunksOf(block: Buffer): Buffer[] {
  const out: Buffer[] = [];
  for (let at = 0; at < block.length; at += CHUNK) out.push(block.subarray(at, at + CHUNK));
  return out;
}

function run(name: string, chunks: Buffer[], blockBytes: number, step: (c: Buffer) => { length: number }): number {
  const rounds = Math.max(1, Math.round((totalMiB * 1024 * 1024) / blockBytes));
  let out = 0;
  const t0 = process.hrtime.bigint();
  for (let r = 0; r < rounds; r++) for (const c of chunks) out += step(c).length;
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const mb = (rounds * blockBytes) / 1e6;
  const rate = mb / seconds;
  console.log(`${name.padEnd(44)} ${mb.toFixed(0).padStart(6)} MB  ${seconds.toFixed(2).padStart(6)} s  ${rate.toFixed(0).padStart(6)} MB/s  (out ${(out / 1e6).toFixed(0)} MB)`);
  return rate;
}

const secrets = Array.from({ length: 100 }, (_, i) => `${['sk', 'pg', 'gh'][i % 3]}_${randomBytes(18).toString('base64url')}`);
const t0 = process.hrtime.bigint();
const set = compileMaskSet(secrets);
const compileMs = Number(process.hrtime.bigint() - t0) / 1e6;
const block = makeBlock(secrets);
const chunks = chunksOf(block);
console.log(`\nstream masker: 100 secrets -> ${set.patternCount} patterns, ${maskSetStates(set)} states, compiled in ${compileMs.toFixed(1)} ms`);
console.log(`data: ${(block.length / 1e6).toFixed(1)} MB block of log lines (1 secret per 500 lines), repeated to ~${totalMiB} MiB, ${CHUNK / 1024} KiB chunks\n`);

const copy = run('baseline: pass-through copy (Buffer.from)', chunks, block.length, (c) => Buffer.from(c));
const masker = createMasker(set);
const masked = run('masker.push (100 secrets)', chunks, block.length, (c) => masker.push(c));
masker.flush();
/** The path `hush run`'s output takes (redact/mask-stream.ts): pieces, no joining copy. */
function parts(masker: Masker): (c: Buffer) => { length: number } {
  return (c) => {
    let n = 0;
    for (const part of masker.pushParts(c)) n += part.length;
    return { length: n };
  };
}
const partsMasker = createMasker(set);
const viaParts = run('masker.pushParts (hush run\'s path)', chunks, block.length, parts(partsMasker));
partsMasker.flush();
const check = createMasker(set);
const once = Buffer.concat([...chunks.map((c) => Buffer.from(check.push(c))), check.flush()]).toString('latin1');
const leaked = secrets.filter((s) => once.includes(s)).length;
console.log(`check: ${once.split('*****').length - 1} masks in one block, ${leaked} secrets visible`);
const shortSet = compileMaskSet(Array.from({ length: 100 }, (_, i) => `k${String(i).padStart(3, '0')}x${'abcdefgh'[i % 8]}${i % 10}`));
const shortMasker = createMasker(shortSet);
run('pushParts, 100 short (6-char) secrets', chunks, block.length, parts(shortMasker));
shortMasker.flush();
const random = chunksOf(randomBytes(16 * 1024 * 1024));
const binMasker = createMasker(set);
const bin = run('pushParts on random binary (100 secrets)', random, 16 * 1024 * 1024, parts(binMasker));
binMasker.flush();
const pct = (x: number) => `${((x / copy) * 100).toFixed(1)} %`;
console.log(`\nvs copy: pushParts ${pct(viaParts)}, push ${pct(masked)}, binary ${pct(bin)}`);
console.log('goal: >= 500 MB/s with 100 secrets on 1 GB of output');
