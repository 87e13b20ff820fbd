/**
 * @module Verifies the hash chain of an audit file and reports the FIRST line that was altered,
 * removed, reordered or is not a chain line. See README.md for the scheme and for what a chain
 * kept in the file alone cannot detect (an edit of the last line, lines cut at the end).
 */
import { createReadStream } from 'node:fs';
import { sha256Hex } from '../lib/sha256.js';
import { GENESIS, parseChainLine } from './audit-chain.js';
import type { ChainFields } from './audit-chain.js';

export type AuditVerifyFailure =
  /** The line's bytes were changed (its successor's `hush_chain` no longer matches, or its own
   * `hush_seq` was edited). */
  | 'altered'
  /** Lines before this one are missing: `hush_seq` jumps and the missing numbers appear nowhere. */
  | 'removed'
  /** This line is out of sequence and the lines around it still exist elsewhere in the file. */
  | 'reordered'
  /** Not a JSON object with valid `hush_seq` / `hush_chain` (also an empty line). */
  | 'malformed'
  /** The file ends in the middle of a line (cut, or a torn write). */
  | 'truncated';

export type AuditVerifyResult =
  | { readonly ok: true; readonly lines: number; readonly head: string }
  | { readonly ok: false; readonly line: number; readonly reason: AuditVerifyFailure; readonly detail: string };

export interface VerifyOptions {
  /** The device's `prefix` option, if it had one (otherwise the JSON starts at the first `{`). */
  readonly prefix?: string;
}

interface Line {
  readonly no: number;
  readonly fields: ChainFields | undefined;
  readonly digest: string;
  readonly terminated: boolean;
}

/** Splits a file into lines (bytes without `\n`), streaming. */
async function* readLines(path: string): AsyncGenerator<{ bytes: Buffer; terminated: boolean }> {
  let pending: Buffer[] = [];
  for await (const chunk of createReadStream(path)) {
    let buf = chunk as Buffer;
    let nl = buf.indexOf(0x0a);
    while (nl >= 0) {
      pending.push(buf.subarray(0, nl));
      yield { bytes: Buffer.concat(pending), terminated: true };
      pending = [];
      buf = buf.subarray(nl + 1);
      nl = buf.indexOf(0x0a);
    }
    if (buf.length > 0) pending.push(buf);
  }
  if (pending.length > 0) yield { bytes: Buffer.concat(pending), terminated: false };
}

async function* parsedLines(path: string, prefix: string): AsyncGenerator<Line> {
  let no = 0;
  for await (const { bytes, terminated } of readLines(path)) {
    no += 1;
    yield { no, fields: parseChainLine(bytes, prefix), digest: sha256Hex(bytes), terminated };
  }
}

/** True when some line of the file carries a `hush_seq` in `[from, to]`. */
async function hasSeqBetween(path: string, prefix: string, from: number, to: number): Promise<boolean> {
  for await (const line of parsedLines(path, prefix)) {
    const seq = line.fields?.seq;
    if (seq !== undefined && seq >= from && seq <= to) return true;
  }
  return false;
}

/** Checks the chain of the audit file at `path`. Resolves (never rejects) for any content;
 * rejects only when the file cannot be read. */
export async function verifyAuditLog(path: string, options: VerifyOptions = {}): Promise<AuditVerifyResult> {
  const prefix = options.prefix ?? '';
  const lines = parsedLines(path, prefix);
  try {
    return await verifyLines(path, prefix, lines);
  } finally {
    await lines.return(undefined); // closes the read stream when we stop early
  }
}

async function verifyLines(path: string, prefix: string, lines: AsyncGenerator<Line>): Promise<AuditVerifyResult> {
  let prev: Line | undefined;
  let next = await lines.next();
  while (!next.done) {
    const cur = next.value;
    next = await lines.next();
    const after = next.done ? undefined : next.value;
    const fail = (line: number, reason: AuditVerifyFailure, detail: string): AuditVerifyResult => ({
      ok: false,
      line,
      reason,
      detail,
    });

    if (cur.fields === undefined) {
      if (!cur.terminated) return fail(cur.no, 'truncated', 'the file ends in the middle of this line');
      return fail(cur.no, 'malformed', 'not a JSON object with hush_seq and hush_chain');
    }
    const expectedSeq = (prev?.fields?.seq ?? 0) + 1;
    const expectedChain = prev?.digest ?? GENESIS;
    const { seq, chain } = cur.fields;

    if (seq !== expectedSeq) {
      if (chain === expectedChain) {
        return fail(cur.no, 'altered', `hush_seq is ${seq} but the line follows its predecessor (expected ${expectedSeq})`);
      }
      if (seq > expectedSeq) {
        const moved = await hasSeqBetween(path, prefix, expectedSeq, seq - 1);
        return moved
          ? fail(cur.no, 'reordered', `expected hush_seq ${expectedSeq}, found ${seq}; the missing lines appear later`)
          : fail(cur.no, 'removed', `${seq - expectedSeq} line(s) missing before this one (hush_seq ${expectedSeq}..${seq - 1})`);
      }
      return fail(cur.no, 'reordered', `hush_seq ${seq} appears after ${expectedSeq - 1}`);
    }
    if (chain !== expectedChain) {
      // Either the previous line's bytes changed, or this line's own hush_chain was edited; in the
      // second case this line's digest changed too, so its successor does not match it either.
      if (prev === undefined || (after?.fields !== undefined && after.fields.chain !== cur.digest)) {
        return fail(cur.no, 'altered', 'hush_chain does not match the previous line, nor does the next line match this one');
      }
      return fail(prev.no, 'altered', 'the next line\'s hush_chain does not match this line\'s bytes');
    }
    if (!cur.terminated) return fail(cur.no, 'truncated', 'the last line has no newline');
    prev = cur;
  }
  return { ok: true, lines: prev?.no ?? 0, head: prev?.digest ?? GENESIS };
}
