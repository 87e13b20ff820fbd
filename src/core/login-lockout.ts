/**
 * @module Lockout against password and secret guessing: failed logins are counted per
 * (auth mount, login identifier) and per (auth mount, source address); after `threshold`
 * failures within `counterResetMs`, further logins for that key are refused for `durationMs`,
 * even with the right credential. Kept in memory on this node (a restart forgets it).
 */
import { HushError } from '../lib/errors.js';

export interface LockoutSettings {
  readonly threshold: number;
  readonly durationMs: number;
  readonly counterResetMs: number;
}

export const DEFAULT_LOCKOUT: LockoutSettings = Object.freeze({
  threshold: 5,
  durationMs: 15 * 60_000,
  counterResetMs: 15 * 60_000,
});

interface Counter {
  failures: number;
  firstFailureAt: number;
  lockedUntil: number;
}

/** One locked key, as an operator sees it (`sys/locked-users`). */
export interface LockedEntry {
  readonly mountAccessor: string;
  readonly kind: 'identifier' | 'address';
  readonly key: string;
  readonly failures: number;
  readonly lockedUntil: string;
}

export class LoginLockout {
  readonly #settings: LockoutSettings;
  readonly #now: () => number;
  readonly #counters = new Map<string, Counter>();

  constructor(settings: LockoutSettings = DEFAULT_LOCKOUT, now: () => number = Date.now) {
    this.#settings = settings;
    this.#now = now;
  }

  /** Throws `rate_limited` if the identifier or the address is locked on this mount. */
  check(mountAccessor: string, identifier: string | undefined, address: string): void {
    for (const key of this.#keys(mountAccessor, identifier, address)) {
      const c = this.#counters.get(key);
      if (c && c.lockedUntil > this.#now()) {
        const seconds = Math.ceil((c.lockedUntil - this.#now()) / 1000);
        throw new HushError('rate_limited', `too many failed login attempts; try again in ${seconds}s or ask an operator to unlock`);
      }
    }
  }

  recordFailure(mountAccessor: string, identifier: string | undefined, address: string): void {
    const now = this.#now();
    for (const key of this.#keys(mountAccessor, identifier, address)) {
      let c = this.#counters.get(key);
      if (!c || now - c.firstFailureAt > this.#settings.counterResetMs) {
        c = { failures: 0, firstFailureAt: now, lockedUntil: 0 };
        this.#counters.set(key, c);
      }
      c.failures += 1;
      if (c.failures >= this.#settings.threshold) c.lockedUntil = now + this.#settings.durationMs;
    }
  }

  /** A successful login clears the identifier's counter (not the address's). */
  recordSuccess(mountAccessor: string, identifier: string | undefined): void {
    if (identifier !== undefined) this.#counters.delete(`${mountAccessor}\0identifier\0${identifier}`);
  }

  locked(): LockedEntry[] {
    const now = this.#now();
    const out: LockedEntry[] = [];
    for (const [key, c] of this.#counters) {
      if (c.lockedUntil <= now) continue;
      const [mountAccessor, kind, name] = key.split('\0') as [string, 'identifier' | 'address', string];
      out.push({ mountAccessor, kind, key: name, failures: c.failures, lockedUntil: new Date(c.lockedUntil).toISOString() });
    }
    return out;
  }

  unlock(mountAccessor: string, key: string): boolean {
    return (
      this.#counters.delete(`${mountAccessor}\0identifier\0${key}`) || this.#counters.delete(`${mountAccessor}\0address\0${key}`)
    );
  }

  #keys(mountAccessor: string, identifier: string | undefined, address: string): string[] {
    const keys = [`${mountAccessor}\0address\0${address}`];
    if (identifier !== undefined && identifier !== '') keys.unshift(`${mountAccessor}\0identifier\0${identifier}`);
    return keys;
  }
}
