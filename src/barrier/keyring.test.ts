import { describe, expect, it } from 'vitest';
import { isHushError } from '../lib/errors.js';
import {
  activeKeyTerm,
  createKeyring,
  findKeyTerm,
  parseKeyring,
  rotateKeyring,
  serializeKeyring,
  wipeKeyring,
} from './keyring.js';

describe('keyring', () => {
  it('starts at term 1 and rotates to new terms, keeping the old ones', () => {
    const t0 = new Date('2026-01-01T00:00:00.000Z');
    const ring = createKeyring(t0);
    expect(ring.activeTerm).toBe(1);
    expect(activeKeyTerm(ring).key.length).toBe(32);
    const next = rotateKeyring(rotateKeyring(ring), new Date('2026-02-01T00:00:00.000Z'));
    expect(next.activeTerm).toBe(3);
    expect(next.terms.map((t) => t.term)).toEqual([1, 2, 3]);
    expect(findKeyTerm(next, 1)?.key).toBe(activeKeyTerm(ring).key);
    expect(Buffer.from(activeKeyTerm(next).key).equals(Buffer.from(activeKeyTerm(ring).key))).toBe(false);
    expect(ring.terms.length).toBe(1);
  });

  it('serialises and parses', () => {
    const ring = rotateKeyring(createKeyring(new Date('2026-01-01T00:00:00.000Z')), new Date('2026-03-04T05:06:07.089Z'));
    const bytes = serializeKeyring(ring);
    expect(bytes.length).toBe(9 + 2 * 44);
    const back = parseKeyring(bytes);
    expect(back.activeTerm).toBe(2);
    expect(back.terms.map((t) => [t.term, t.installTime.toISOString(), Buffer.from(t.key).toString('hex')])).toEqual(
      ring.terms.map((t) => [t.term, t.installTime.toISOString(), Buffer.from(t.key).toString('hex')]),
    );
  });

  it('refuses malformed bytes', () => {
    const good = serializeKeyring(createKeyring());
    const cases = [new Uint8Array(0), good.subarray(0, good.length - 1), Uint8Array.from([2, ...good.subarray(1)])];
    const wrongActive = Uint8Array.from(good);
    wrongActive[4] = 9;
    cases.push(wrongActive);
    for (const bytes of cases) {
      expect(() => parseKeyring(bytes)).toThrow();
      try {
        parseKeyring(bytes);
      } catch (err) {
        expect(isHushError(err, 'internal')).toBe(true);
      }
    }
  });

  it('wipes keys', () => {
    const ring = createKeyring();
    wipeKeyring(ring);
    expect(activeKeyTerm(ring).key.every((b) => b === 0)).toBe(true);
  });
});
