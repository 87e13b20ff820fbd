/**
 * @module A fresh random value shaped like a leaked one, so that whatever validated the old
 * value (a length limit, a hex or base64 field, a password policy asking for digits and symbols)
 * accepts the new one: same length, hex stays hex in the same case, base64 padding stays
 * padding, and every character class the old value used (lower, upper, digits, the symbols it
 * contained) appears again. Characters are drawn with `crypto.randomInt`, so without bias.
 */
import { randomInt } from 'node:crypto';

const LOWER = 'abcdefghijklmnopqrstuvwxyz';
const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const DIGITS = '0123456789';

/** A random value of the same length and character classes as `old` (never equal to it). */
export function replacementValue(old: string): string {
  const chars = Array.from(old);
  // Trailing `=` of base64 is structure, not content.
  const trailing = /=+$/.exec(old)?.[0] ?? '';
  const padding = trailing.length < chars.length ? trailing : '';
  const body = chars.slice(0, chars.length - padding.length);
  const classes = classesOf(body);
  const alphabet = Array.from(new Set(classes.flat()));
  // A value of one repeated symbol has no room for a different value of its own shape.
  if (alphabet.length < 2) alphabet.push(...LOWER, ...UPPER, ...DIGITS);
  for (;;) {
    const next = body.map(() => alphabet[randomInt(alphabet.length)]!);
    // Every class the old value used appears again: missing ones take a random free position.
    const taken = new Set<number>();
    for (const cls of classes) {
      if (taken.size >= next.length) break;
      const present = next.findIndex((c, i) => !taken.has(i) && cls.includes(c));
      if (present !== -1) {
        taken.add(present);
        continue;
      }
      let at = randomInt(next.length);
      while (taken.has(at)) at = (at + 1) % next.length;
      next[at] = cls[randomInt(cls.length)]!;
      taken.add(at);
    }
    const value = next.join('') + padding;
    if (value !== old) return value;
  }
}

/** The character classes a value draws from, each as its list of characters. */
function classesOf(chars: readonly string[]): string[][] {
  const text = chars.join('');
  if (text.length >= 8 && /^[0-9a-f]+$/.test(text)) return [Array.from(DIGITS + 'abcdef')];
  if (text.length >= 8 && /^[0-9A-F]+$/.test(text)) return [Array.from(DIGITS + 'ABCDEF')];
  const classes: string[][] = [];
  if (/[a-z]/.test(text)) classes.push(Array.from(LOWER));
  if (/[A-Z]/.test(text)) classes.push(Array.from(UPPER));
  if (/[0-9]/.test(text)) classes.push(Array.from(DIGITS));
  // Symbols: only those the old value used, since a consumer may reject others.
  const symbols = new Set(chars.filter((c) => !/[a-zA-Z0-9]/.test(c)));
  if (symbols.size > 0) classes.push([...symbols]);
  return classes;
}
