/**
 * @module The keyring: every encryption key term the barrier has used. New values are encrypted
 * with the active (newest) term; older terms stay so that data written before a rotation can be
 * read. The serialised form is binary so key bytes never pass through immutable JS strings:
 *
 * `version (1) = 1 | active term (u32 BE) | count (u32 BE) | count × [term (u32 BE) |
 *  install time in ms since the epoch (f64 BE) | key (32)]`
 */
import { randomBytes } from 'node:crypto';
import { HushError } from '../lib/errors.js';
import { AES_KEY_BYTES } from './aes-gcm.js';

/** One encryption key and the term number stored beside every value it encrypted. */
export interface KeyTerm {
  /** 1, 2, … ; increases by one on every rotation. */
  readonly term: number;
  /** 32 random bytes (AES-256). */
  readonly key: Uint8Array;
  readonly installTime: Date;
}

/** All key terms, oldest first; the last one is active. */
export interface Keyring {
  readonly activeTerm: number;
  readonly terms: readonly KeyTerm[];
}

const FORMAT_VERSION = 1;
const HEADER_BYTES = 9;
const ENTRY_BYTES = 4 + 8 + AES_KEY_BYTES;
const MAX_TERM = 0xffffffff;

/** A keyring with one fresh random key as term 1. */
export function createKeyring(now: Date = new Date()): Keyring {
  return { activeTerm: 1, terms: [{ term: 1, key: randomBytes(AES_KEY_BYTES), installTime: now }] };
}

/** A new keyring with one more term (a fresh random key), which becomes active. */
export function rotateKeyring(ring: Keyring, now: Date = new Date()): Keyring {
  const term = ring.terms.reduce((max, t) => Math.max(max, t.term), 0) + 1;
  if (term > MAX_TERM) throw new HushError('internal', 'keyring term numbers are exhausted');
  return { activeTerm: term, terms: [...ring.terms, { term, key: randomBytes(AES_KEY_BYTES), installTime: now }] };
}

/** The term new values are encrypted with. */
export function activeKeyTerm(ring: Keyring): KeyTerm {
  const active = findKeyTerm(ring, ring.activeTerm);
  if (active === undefined) throw new HushError('internal', 'keyring has no active term');
  return active;
}

/** The term with number `term`, if the keyring holds it. */
export function findKeyTerm(ring: Keyring, term: number): KeyTerm | undefined {
  return ring.terms.find((t) => t.term === term);
}

/** Serialises the keyring to the binary format above. The result holds key bytes: wipe it. */
export function serializeKeyring(ring: Keyring): Uint8Array {
  const out = Buffer.alloc(HEADER_BYTES + ring.terms.length * ENTRY_BYTES);
  out.writeUInt8(FORMAT_VERSION, 0);
  out.writeUInt32BE(ring.activeTerm, 1);
  out.writeUInt32BE(ring.terms.length, 5);
  ring.terms.forEach((t, i) => {
    const at = HEADER_BYTES + i * ENTRY_BYTES;
    out.writeUInt32BE(t.term, at);
    out.writeDoubleBE(t.installTime.getTime(), at + 4);
    out.set(t.key, at + 12);
  });
  return out;
}

/** Parses {@link serializeKeyring}'s output; throws `HushError('internal')` when malformed. */
export function parseKeyring(bytes: Uint8Array): Keyring {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const malformed = (): HushError => new HushError('internal', 'stored keyring is malformed');
  if (buf.length < HEADER_BYTES || buf.readUInt8(0) !== FORMAT_VERSION) throw malformed();
  const activeTerm = buf.readUInt32BE(1);
  const count = buf.readUInt32BE(5);
  if (count === 0 || buf.length !== HEADER_BYTES + count * ENTRY_BYTES) throw malformed();
  const terms: KeyTerm[] = [];
  for (let i = 0; i < count; i += 1) {
    const at = HEADER_BYTES + i * ENTRY_BYTES;
    const term = buf.readUInt32BE(at);
    const millis = buf.readDoubleBE(at + 4);
    if (term === 0 || !Number.isFinite(millis) || terms.some((t) => t.term === term)) throw malformed();
    terms.push({ term, installTime: new Date(millis), key: Uint8Array.from(buf.subarray(at + 12, at + ENTRY_BYTES)) });
  }
  const ring = { activeTerm, terms };
  if (findKeyTerm(ring, activeTerm) === undefined) throw malformed();
  return ring;
}

/** Overwrites every key of the keyring with zeros (on seal). */
export function wipeKeyring(ring: Keyring): void {
  for (const t of ring.terms) t.key.fill(0);
}
