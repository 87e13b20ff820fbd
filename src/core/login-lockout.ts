/**
 * @module Lockout against password and secret guessing. Failed logins are counted per
 * (auth mount, login identifier) — the user name, role id or role — and, with a much higher
 * threshold, per (auth mount, source address) so that one address spraying many names is
 * stopped without locking out every user behind a shared NAT or CI runner. After the threshold
 * within `counterResetMs`, further logins for that key are refused for `durationMs`, even with
 * the right credential. Settings come per mount from `sys/auth/:path/tune`
 * (`user_lockout_config`). Kept in memory on this node: a restart forgets the counters.
 */
import { addressScoped } from '../auth/methods/auth-method.js';
import { HushError } from '../lib/errors.js';

export interface LockoutSettings {
  /** Failures per identifier before it is locked. */
  readonly threshold: number;
  /** Failures per source address (across identifiers) before the address is locked. */
  readonly addressThreshold: number;
  readonly durationMs: number;
  readonly counterResetMs: number;
  readonly disabled: boolean;
}

export const DEFAULT_LOCKOUT: LockoutSettings = Object.freeze({
  threshold: 5,
  addressThreshold: 50,
  durationMs: 15 * 60_000,
  counterResetMs: 15 * 60_000,
  disabled: false,
});

interface Counter {
  failures: number;
  firstFailureAt: number;
  lockedUntil: number;
}

type KeyKind = 'identifier' | 'address';

/** One locked key, as an operator sees it (`sys/locked-users`). */
export interface LockedEntry {
  readonly mountAccessor: string;
  readonly kind: KeyKind;
  readonly key: string;
  readonly failures: number;
  readonly lockedUntil: string;
}

export class LoginLockout {
  readonly #now: () => number;
  readonly #counters = new Map<string, Counter>();

  constructor(now: () => number = Date.now) {
    this.#now = now;
  }

  /** Throws `rate_limited` if the identifier or the address is locked on this mount. */
  check(settings: LockoutSettings, mountAccessor: string, identifier: string | undefined, address: string): void {
    if (settings.disabled) return;
    for (const [, key] of this.#keys(mountAccessor, identifier, address)) {
      const c = this.#counters.get(key);
      if (c && c.lockedUntil > this.#now()) {
        const seconds = Math.ceil((c.lockedUntil - this.#now()) / 1000);
        throw new HushError('rate_limited', `too many failed login attempts; try again in ${seconds}s or ask an operator to unlock`);
      }
    }
  }

  recordFailure(settings: LockoutSettings, mountAccessor: string, identifier: string | undefined, address: string): void {
    if (settings.disabled) return;
    const now = this.#now();
    for (const [kind, key] of this.#keys(mountAccessor, identifier, address)) {
      let c = this.#counters.get(key);
      if (!c || now - c.firstFailureAt > settings.counterResetMs) {
        c = { failures: 0, firstFailureAt: now, lockedUntil: 0 };
        this.#counters.set(key, c);
      }
      c.failures += 1;
      const threshold = kind === 'identifier' ? settings.threshold : settings.addressThreshold;
      if (c.failures >= threshold) c.lockedUntil = now + settings.durationMs;
    }
  }

  /** A successful login clears the identifier's counter (an address keeps its count). */
  recordSuccess(mountAccessor: string, identifier: string | undefined): void {
    if (identifier !== undefined) this.#counters.delete(counterKey(mountAccessor, 'identifier', identifier));
  }

  locked(): LockedEntry[] {
    const now = this.#now();
    const out: LockedEntry[] = [];
    for (const [key, c] of this.#counters) {
      if (c.lockedUntil <= now) continue;
      const [mountAccessor, kind, name] = key.split('\0') as [string, KeyKind, string];
      out.push({ mountAccessor, kind, key: name, failures: c.failures, lockedUntil: new Date(c.lockedUntil).toISOString() });
    }
    return out;
  }

  /** Unlocks `key` on the mount, whether it names an identifier or an address; a name's
   * address-scoped locks ({@link addressScoped}) go with it, so `unlock/<role>` frees the role
   * for every address. */
  unlock(mountAccessor: string, key: string): boolean {
    let found = this.#counters.delete(counterKey(mountAccessor, 'identifier', key));
    found = this.#counters.delete(counterKey(mountAccessor, 'address', key)) || found;
    const scoped = counterKey(mountAccessor, 'identifier', addressScoped(key, ''));
    for (const counter of [...this.#counters.keys()]) if (counter.startsWith(scoped)) found = this.#counters.delete(counter) || found;
    return found;
  }

  #keys(mountAccessor: string, identifier: string | undefined, address: string): [KeyKind, string][] {
    const keys: [KeyKind, string][] = [['address', counterKey(mountAccessor, 'address', address)]];
    if (identifier !== undefined && identifier !== '') keys.unshift(['identifier', counterKey(mountAccessor, 'identifier', identifier)]);
    return keys;
  }
}

function counterKey(mountAccessor: string, kind: KeyKind, name: string): string {
  return `${mountAccessor}\0${kind}\0${name}`;
}

/** Reads a mount's `user_lockout_config` (from `sys/auth/:path/tune`) over the defaults. */
export function lockoutSettingsOf(config: Readonly<Record<string, unknown>> | undefined): LockoutSettings {
  const raw = config?.user_lockout_config as Partial<Record<string, unknown>> | undefined;
  if (!raw) return DEFAULT_LOCKOUT;
  const num = (v: unknown, fallback: number) => (typeof v === 'number' && v > 0 ? v : fallback);
  return {
    threshold: num(raw.lockout_threshold, DEFAULT_LOCKOUT.threshold),
    addressThreshold: num(raw.address_lockout_threshold, DEFAULT_LOCKOUT.addressThreshold),
    durationMs: num(raw.lockout_duration, DEFAULT_LOCKOUT.durationMs / 1000) * 1000,
    counterResetMs: num(raw.lockout_counter_reset, DEFAULT_LOCKOUT.counterResetMs / 1000) * 1000,
    disabled: raw.disable_lockout === true,
  };
}
