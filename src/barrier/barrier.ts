/**
 * @module The barrier: storage that encrypts every value with the keyring before it reaches the
 * backend, and that is sealed (knows no keys) until enough unseal key shares are given.
 *
 * Key hierarchy: the unseal key (never stored; split into Shamir shares at initialisation)
 * encrypts the root key; the root key encrypts the keyring; the keyring's active term encrypts
 * values. Stored value format:
 *
 * `version (1) = 1 | term (u32 BE) | nonce (12) | ciphertext | tag (16)`
 *
 * with AAD = the 5 header bytes followed by the UTF-8 storage key, so a value copied to another
 * key (or another term) fails to decrypt.
 *
 * The barrier's own entries, listed in {@link BARRIER_KEYS}, live under `core/` beside the
 * core's (mount table …) and are not reachable through the Storage API:
 * - `core/seal-config`: `{"secret_shares":n,"secret_threshold":t}` as plain JSON (readable while sealed);
 * - `core/root-key`: the root key, encrypted with the unseal key (term 0);
 * - `core/keyring`: the serialised keyring, encrypted with the root key (term 0).
 */
import { randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { HushError } from '../lib/errors.js';
import type { ReadOptions, Storage, StorageBackend, StorageOp } from '../storage/storage.js';
import { assertListPrefix, assertStorageKey, assertStorageOps, assertStorageValue, assertWritableKeyLength } from '../storage/storage-keys.js';
import { AES_KEY_BYTES, aesKey, openAesGcm, sealAesGcm } from './aes-gcm.js';
import type { AesKey } from './aes-gcm.js';
import type { Keyring } from './keyring.js';
import {
  activeKeyTerm,
  createKeyring,
  findKeyTerm,
  parseKeyring,
  rotateKeyring,
  serializeKeyring,
  wipeKeyring,
} from './keyring.js';
import { combineShares, splitSecret } from './shamir.js';
import { createPlaintextCache } from './plaintext-cache.js';
import type { PlaintextCache } from './plaintext-cache.js';

/** Storage keys the barrier keeps for itself (see the module comment). */
export const BARRIER_KEYS = {
  sealConfig: 'core/seal-config',
  rootKey: 'core/root-key',
  keyring: 'core/keyring',
} as const;

/** Shamir parameters chosen at initialisation; stored unencrypted. Vault's field names. */
export interface SealConfig {
  readonly secret_shares: number;
  readonly secret_threshold: number;
}

/** Unseal state in Vault's `sys/seal-status` vocabulary. */
export interface UnsealProgress {
  readonly sealed: boolean;
  /** Threshold: shares needed (0 when not initialised). */
  readonly t: number;
  /** Number of shares made at initialisation (0 when not initialised). */
  readonly n: number;
  /** Distinct shares given so far in this unseal attempt. */
  readonly progress: number;
  /** Identifies the current unseal attempt; `""` when none is in progress. */
  readonly nonce: string;
}

/** The active key term, as Vault's `sys/key-status` answers. */
export interface KeyStatus {
  readonly term: number;
  /** RFC 3339 time the term was installed. */
  readonly install_time: string;
  /** Values encrypted with this term by this process since it was unsealed. */
  readonly encryptions: number;
}

export interface InitializeOptions {
  readonly secretShares: number;
  readonly secretThreshold: number;
}

/**
 * What is made from new unseal shares before they are stored (at init and rekey): PGP-encrypted
 * copies, and entries (`sys/rekey`'s backup) stored encrypted in the same transaction (at a
 * rekey only: at init the barrier is sealed and can encrypt nothing). When it throws, nothing is
 * stored.
 */
export type ShareCompanion = (shares: readonly Uint8Array[]) => Promise<ReadonlyArray<{ readonly key: string; readonly value: Uint8Array }>>;

/**
 * A rekey whose new shares are checked before they take effect (`sys/rekey` with
 * `require_verification`): the new unseal key exists, its shares have been made, nothing is
 * stored yet. The old shares keep unsealing until `commit`.
 */
export interface PendingRekey {
  /** The new shares, to hand out (the caller wipes its copies). */
  readonly shares: readonly Uint8Array[];
  /** Whether `shares` (a quorum of the new ones, given back) combine into the new key. */
  matches(shares: readonly Uint8Array[]): boolean;
  /** Seals the root key under the new key, with `alongside`'s entries, in one transaction (the
   * barrier must be unsealed); the old shares stop unsealing. */
  commit(alongside?: ShareCompanion): Promise<void>;
  /** Forgets the new key (cancelled, or committed). */
  wipe(): void;
}

/**
 * Storage that encrypts values and can be sealed. While sealed, `get`, `put`, `delete`, `list`
 * and `transaction` throw `HushError('sealed', 'Vault is sealed')`. The barrier does not own its
 * backend: closing the backend is the caller's job.
 */
export interface Barrier extends Storage {
  /** Whether `initialize` has run on this storage (the seal configuration exists). */
  isInitialized(): Promise<boolean>;
  /**
   * Generates the unseal key, root key and keyring, stores them, and returns the unseal key
   * split into `secretShares` shares (`secretThreshold` of which unseal). The barrier stays
   * sealed. Throws `bad_request` when already initialised or the parameters are invalid.
   * `alongside` sees the shares before anything is stored (see {@link ShareCompanion}).
   */
  initialize(options: InitializeOptions, alongside?: ShareCompanion): Promise<{ shares: Uint8Array[] }>;
  /** The seal configuration, or `undefined` before initialisation. */
  sealConfig(): Promise<SealConfig | undefined>;
  /**
   * Adds one share. Below the threshold it answers the progress; at the threshold it unseals,
   * or, when the shares do not open the root key, resets the progress and throws `bad_request`.
   * A share already given in this attempt is ignored. When already unsealed it just answers.
   */
  unseal(share: Uint8Array): Promise<UnsealProgress>;
  /** The current unseal state. */
  unsealProgress(): Promise<UnsealProgress>;
  /** Forgets the shares given so far. */
  resetUnseal(): void;
  /**
   * Replaces the unseal key (`sys/rekey`): `shares`, a quorum of the current ones, must open the
   * barrier; the root key is sealed again under a new unseal key, stored with the new seal
   * configuration in one transaction, and the new key is returned split as asked. The old shares
   * no longer unseal; the root key and the data are untouched. Throws `bad_request` for shares
   * that do not open the barrier or for invalid parameters. `alongside` sees the new shares before
   * anything is stored (see {@link ShareCompanion}); when it throws, the old shares still unseal.
   */
  rekey(shares: readonly Uint8Array[], options: InitializeOptions, alongside?: ShareCompanion): Promise<{ shares: Uint8Array[] }>;
  /** Checks `shares` as `rekey` does and makes the new key and its shares, storing nothing. */
  prepareRekey(shares: readonly Uint8Array[], options: InitializeOptions): Promise<PendingRekey>;
  /**
   * Whether `shares` combine into the key that opens this barrier: the proof of a quorum of
   * share holders that `sys/generate-root` asks for. Changes nothing, sealed or not.
   */
  opensWith(shares: readonly Uint8Array[]): Promise<boolean>;
  isSealed(): boolean;
  /** Forgets every key held in memory (and any unseal progress). */
  seal(): Promise<void>;
  /**
   * Forgets every decrypted value kept and reads the seal configuration and the keyring again:
   * for a server taking over storage that another one was writing (an HA standby becoming
   * active). Stays unsealed if it was.
   */
  reload(): Promise<void>;
  /** Adds a new key term, used for every later write; older values stay readable. */
  rotate(): Promise<KeyStatus>;
  /** The active key term. Throws `sealed` while sealed. */
  keyStatus(): KeyStatus;
}

const VALUE_VERSION = 1;
const HEADER_BYTES = 5;
const SHARE_BYTES = AES_KEY_BYTES + 1;
const RESERVED = new Set<string>(Object.values(BARRIER_KEYS));
const encoder = new TextEncoder();

interface Unsealed {
  readonly rootKey: Uint8Array;
  keyring: Keyring;
  readonly encryptions: Map<number, number>;
  /** Each term's key imported once for the cipher (dropped with the rest on seal). */
  readonly termKeys: Map<number, AesKey>;
}

export interface BarrierOptions {
  /** Bytes of decrypted values kept in memory for repeated reads (see `plaintext-cache.ts`);
   * 0 turns the cache off. Default 8 MiB. */
  readonly cacheBytes?: number;
}

/** Default size of the decrypted-value cache. */
export const DEFAULT_BARRIER_CACHE_BYTES = 8 * 1024 * 1024;

/** Creates a barrier over `backend`; it starts sealed. */
export function createBarrier(backend: StorageBackend, options: BarrierOptions = {}): Barrier {
  return new KeyringBarrier(backend, createPlaintextCache(options.cacheBytes ?? DEFAULT_BARRIER_CACHE_BYTES));
}

class KeyringBarrier implements Barrier {
  readonly #backend: StorageBackend;
  readonly #cache: PlaintextCache;
  #unsealed: Unsealed | undefined;
  #config: SealConfig | undefined;
  #shares: Uint8Array[] = [];
  #nonce = '';
  #lock: Promise<unknown> = Promise.resolve();

  constructor(backend: StorageBackend, cache: PlaintextCache) {
    this.#backend = backend;
    this.#cache = cache;
  }

  // ---- Storage -------------------------------------------------------------------------------

  async get(key: string, options?: ReadOptions): Promise<Uint8Array | undefined> {
    this.#usable(key);
    const cached = this.#cache.get(key);
    if (cached !== undefined) return cached ?? undefined;
    // a scan's read takes what is cached but adds nothing
    const generation = options?.scan === true ? undefined : this.#cache.generation();
    const stored = await this.#backend.get(key);
    if (stored === undefined) {
      if (generation !== undefined) this.#cache.fill(key, null, generation);
      return undefined;
    }
    const value = this.#openKnownTerm(key, stored) ?? (await this.#decrypt(key, stored));
    if (generation !== undefined) this.#cache.fill(key, value, generation);
    return value;
  }

  async put(key: string, value: Uint8Array): Promise<void> {
    this.#usable(key);
    assertWritableKeyLength(key);
    assertStorageValue(value);
    const sealed = this.#encrypt(key, value);
    await this.#invalidating([{ kind: 'put', key, value }], () => this.#backend.put(key, sealed));
  }

  async delete(key: string): Promise<void> {
    this.#usable(key);
    await this.#invalidating([{ kind: 'delete', key }], () => this.#backend.delete(key));
  }

  async list(prefix: string): Promise<string[]> {
    this.#state();
    assertListPrefix(prefix);
    const names = await this.#backend.list(prefix);
    const visible = names.filter((name) => !RESERVED.has(prefix + name));
    if (prefix === '' && visible.includes('core/')) {
      // Hide `core/` when it holds nothing but the barrier's own entries.
      const inCore = await this.#backend.list('core/');
      if (inCore.every((name) => RESERVED.has(`core/${name}`))) return visible.filter((name) => name !== 'core/');
    }
    return visible;
  }

  async transaction(ops: readonly StorageOp[]): Promise<void> {
    this.#state();
    assertStorageOps(ops);
    for (const op of ops) {
      this.#usable(op.key);
      if (op.kind === 'put') assertWritableKeyLength(op.key);
    }
    const sealed = ops.map((op): StorageOp =>
      op.kind === 'put' ? { kind: 'put', key: op.key, value: this.#encrypt(op.key, op.value) } : op,
    );
    await this.#invalidating(ops, () => this.#backend.transaction(sealed));
  }

  /**
   * Runs a write with its keys dropped from the cache before it starts and after it settles. Once
   * it has succeeded, keys that were cached hold their new values (a secret's metadata, a KV
   * mount's config); keys that were not stay out, so that writing many new entries (a token per
   * login) does not fill memory with entries nobody may read.
   */
  async #invalidating(ops: readonly StorageOp[], write: () => Promise<void>): Promise<void> {
    const keys = ops.map((op) => op.key);
    // Each key's last operation decides what it holds afterwards (null: deleted); values are
    // copied now, as the caller may reuse or wipe its buffers once the write has settled.
    const written = new Map<string, Uint8Array | null>();
    for (const op of ops) {
      if (this.#cache.has(op.key)) written.set(op.key, op.kind === 'put' ? Buffer.from(op.value) : null);
    }
    this.#cache.invalidate(keys);
    try {
      await write();
    } catch (err) {
      this.#cache.invalidate(keys);
      throw err;
    }
    this.#cache.invalidate(keys);
    const generation = this.#cache.generation();
    for (const [key, value] of written) this.#cache.fill(key, value, generation);
  }

  // ---- Initialisation and seal ----------------------------------------------------------------

  async isInitialized(): Promise<boolean> {
    return (await this.sealConfig()) !== undefined;
  }

  async sealConfig(): Promise<SealConfig | undefined> {
    if (this.#config !== undefined) return this.#config;
    const raw = await this.#backend.get(BARRIER_KEYS.sealConfig);
    if (raw === undefined) return undefined;
    this.#config = parseSealConfig(raw);
    return this.#config;
  }

  initialize(options: InitializeOptions, alongside?: ShareCompanion): Promise<{ shares: Uint8Array[] }> {
    return this.#exclusive(async () => {
      const config = checkInitOptions(options);
      if (await this.isInitialized()) throw new HushError('bad_request', 'Vault is already initialized');
      const unsealKey = randomBytes(AES_KEY_BYTES);
      const rootKey = randomBytes(AES_KEY_BYTES);
      const keyring = createKeyring();
      const keyringBytes = serializeKeyring(keyring);
      try {
        return await this.#sealRootKey(unsealKey, rootKey, config, [
          { kind: 'put', key: BARRIER_KEYS.keyring, value: envelope(rootKey, 0, BARRIER_KEYS.keyring, keyringBytes) },
        ], alongside);
      } finally {
        unsealKey.fill(0);
        rootKey.fill(0);
        keyringBytes.fill(0);
        wipeKeyring(keyring);
      }
    });
  }

  unseal(share: Uint8Array): Promise<UnsealProgress> {
    return this.#exclusive(async () => {
      if (this.#unsealed !== undefined) return this.unsealProgress();
      const config = await this.sealConfig();
      if (config === undefined) throw new HushError('not_initialized', 'Vault is not initialized');
      if (!(share instanceof Uint8Array) || share.length !== SHARE_BYTES) {
        throw new HushError('bad_request', 'unseal key has the wrong length');
      }
      if (this.#shares.some((given) => timingSafeEqual(given, share))) return this.unsealProgress();
      if (this.#shares.length === 0) this.#nonce = randomUUID();
      this.#shares.push(Uint8Array.from(share));
      if (this.#shares.length < config.secret_threshold) return this.unsealProgress();

      let unsealKey: Uint8Array | undefined;
      try {
        unsealKey = combineShares(this.#shares);
        this.#unsealed = await this.#openKeys(unsealKey);
      } catch (err) {
        if (err instanceof HushError && err.code === 'unavailable') throw err;
        throw new HushError(
          'bad_request',
          'unseal failed: the unseal keys given do not open this vault; unseal progress was reset',
          { cause: err },
        );
      } finally {
        unsealKey?.fill(0);
        this.resetUnseal();
      }
      return this.unsealProgress();
    });
  }

  async unsealProgress(): Promise<UnsealProgress> {
    const config = await this.sealConfig();
    return {
      sealed: this.#unsealed === undefined,
      t: config?.secret_threshold ?? 0,
      n: config?.secret_shares ?? 0,
      progress: this.#shares.length,
      nonce: this.#nonce,
    };
  }

  rekey(shares: readonly Uint8Array[], options: InitializeOptions, alongside?: ShareCompanion): Promise<{ shares: Uint8Array[] }> {
    return this.#exclusive(async () => {
      const config = checkInitOptions(options);
      const rootKey = await this.#rootKeyForRekey(shares);
      const newKey = randomBytes(AES_KEY_BYTES);
      try {
        return await this.#sealRootKey(newKey, rootKey, config, [], alongside);
      } finally {
        newKey.fill(0);
        rootKey.fill(0);
      }
    });
  }

  prepareRekey(shares: readonly Uint8Array[], options: InitializeOptions): Promise<PendingRekey> {
    return this.#exclusive(async () => {
      const config = checkInitOptions(options);
      (await this.#rootKeyForRekey(shares)).fill(0); // the check only: the root key in memory seals it later
      const newKey = randomBytes(AES_KEY_BYTES);
      const newShares = splitSecret(newKey, config.secret_shares, config.secret_threshold);
      return {
        shares: newShares,
        matches: (given) => {
          if (given.length < config.secret_threshold || given.some((share) => share.length !== SHARE_BYTES)) return false;
          let combined: Uint8Array | undefined;
          try {
            combined = combineShares(given);
            return combined.length === newKey.length && timingSafeEqual(combined, newKey);
          } catch {
            return false;
          } finally {
            combined?.fill(0);
          }
        },
        commit: (alongside) =>
          this.#exclusive(async () => {
            const rootKey = Uint8Array.from(this.#state().rootKey);
            try {
              await this.#sealRootKey(newKey, rootKey, config, [], alongside, newShares);
            } finally {
              rootKey.fill(0);
            }
          }),
        wipe: () => {
          newKey.fill(0);
          for (const share of newShares) share.fill(0);
        },
      };
    });
  }

  /** The root key `shares` open, for a rekey; throws `bad_request` when they do not. */
  async #rootKeyForRekey(shares: readonly Uint8Array[]): Promise<Uint8Array> {
    if (!(await this.isInitialized())) throw new HushError('not_initialized', 'Vault is not initialized');
    const rootKey = await this.#rootKeyFrom(shares);
    if (rootKey === undefined) {
      throw new HushError('bad_request', 'the unseal keys given do not open this vault; rekey progress was reset');
    }
    return rootKey;
  }

  /** Stores `rootKey` sealed under `unsealKey` with `config` (and `more` writes, and what
   * `alongside` makes of the shares, encrypted) in one transaction, and answers `unsealKey` split
   * as `config` says (or the split already made: `split`, which a failure leaves to its owner). */
  async #sealRootKey(
    unsealKey: Uint8Array,
    rootKey: Uint8Array,
    config: SealConfig,
    more: StorageOp[] = [],
    alongside?: ShareCompanion,
    split?: Uint8Array[],
  ): Promise<{ shares: Uint8Array[] }> {
    const shares = split ?? splitSecret(unsealKey, config.secret_shares, config.secret_threshold);
    try {
      const companions = alongside === undefined ? [] : await alongside(shares);
      for (const { key } of companions) this.#usable(key);
      const sealed = companions.map(({ key, value }): StorageOp => ({ kind: 'put', key, value: this.#encrypt(key, value) }));
      const write = () =>
        this.#backend.transaction([
          { kind: 'put', key: BARRIER_KEYS.rootKey, value: envelope(unsealKey, 0, BARRIER_KEYS.rootKey, rootKey) },
          ...more,
          ...sealed,
          { kind: 'put', key: BARRIER_KEYS.sealConfig, value: encoder.encode(JSON.stringify(config)) },
        ]);
      const plain = companions.map(({ key, value }): StorageOp => ({ kind: 'put', key, value }));
      await (plain.length === 0 ? write() : this.#invalidating(plain, write));
    } catch (err) {
      if (split === undefined) for (const share of shares) share.fill(0);
      throw err;
    }
    this.#config = config;
    return { shares };
  }

  async opensWith(shares: readonly Uint8Array[]): Promise<boolean> {
    const rootKey = await this.#rootKeyFrom(shares);
    rootKey?.fill(0);
    return rootKey !== undefined;
  }

  /** The root key `shares` open, or undefined when they do not (wrong, too few, or not even
   * combinable: an x coordinate of 0, two shares with one x). Storage failures are thrown. */
  async #rootKeyFrom(shares: readonly Uint8Array[]): Promise<Uint8Array | undefined> {
    if (shares.length === 0 || shares.some((share) => share.length !== SHARE_BYTES)) return undefined;
    const stored = await this.#backend.get(BARRIER_KEYS.rootKey);
    if (stored === undefined) return undefined;
    let unsealKey: Uint8Array | undefined;
    try {
      unsealKey = combineShares(shares);
      return openEnvelope(unsealKey, 0, BARRIER_KEYS.rootKey, stored);
    } catch (err) {
      if (err instanceof HushError && err.code === 'unavailable') throw err;
      return undefined;
    } finally {
      unsealKey?.fill(0);
    }
  }

  resetUnseal(): void {
    for (const share of this.#shares) share.fill(0);
    this.#shares = [];
    this.#nonce = '';
  }

  isSealed(): boolean {
    return this.#unsealed === undefined;
  }

  seal(): Promise<void> {
    return this.#exclusive(async () => {
      const keys = this.#unsealed;
      this.#unsealed = undefined;
      this.#cache.clear();
      this.resetUnseal();
      if (keys !== undefined) {
        keys.rootKey.fill(0);
        wipeKeyring(keys.keyring);
        keys.termKeys.clear(); // KeyObjects cannot be wiped: unreachable, they go with the next GC
      }
    });
  }

  reload(): Promise<void> {
    return this.#exclusive(async () => {
      this.#cache.clear();
      this.#config = undefined;
      const keys = this.#unsealed;
      if (keys === undefined) return;
      const fresh = await this.#loadKeyring(keys.rootKey);
      wipeKeyring(keys.keyring);
      keys.keyring = fresh;
      keys.termKeys.clear();
    });
  }

  // ---- Keyring ---------------------------------------------------------------------------------

  rotate(): Promise<KeyStatus> {
    return this.#exclusive(async () => {
      const keys = this.#state();
      // Start from the stored keyring so a rotation made by another node is kept, not lost.
      const next = rotateKeyring(await this.#loadKeyring(keys.rootKey));
      const bytes = serializeKeyring(next);
      try {
        await this.#backend.put(BARRIER_KEYS.keyring, envelope(keys.rootKey, 0, BARRIER_KEYS.keyring, bytes));
      } finally {
        bytes.fill(0);
      }
      keys.keyring = next;
      return this.keyStatus();
    });
  }

  keyStatus(): KeyStatus {
    const keys = this.#state();
    const active = activeKeyTerm(keys.keyring);
    return {
      term: active.term,
      install_time: active.installTime.toISOString(),
      encryptions: keys.encryptions.get(active.term) ?? 0,
    };
  }

  // ---- Internals -------------------------------------------------------------------------------

  #state(): Unsealed {
    if (this.#unsealed === undefined) throw new HushError('sealed', 'Vault is sealed');
    return this.#unsealed;
  }

  /** Throws unless unsealed and `key` is a valid key that is not one of the barrier's own. */
  #usable(key: string): Unsealed {
    const keys = this.#state();
    assertStorageKey(key);
    if (RESERVED.has(key)) throw new HushError('bad_request', 'storage key is reserved for the barrier');
    return keys;
  }

  #encrypt(key: string, value: Uint8Array): Uint8Array {
    const keys = this.#state();
    const active = activeKeyTerm(keys.keyring);
    keys.encryptions.set(active.term, (keys.encryptions.get(active.term) ?? 0) + 1);
    return envelope(termKey(keys, active), active.term, key, value);
  }

  /** Decrypts without awaiting when the value's key term is known (the hot path). */
  #openKnownTerm(key: string, stored: Uint8Array): Uint8Array | undefined {
    const term = readTerm(stored);
    const keys = this.#state();
    const keyTerm = findKeyTerm(keys.keyring, term);
    return keyTerm === undefined ? undefined : openEnvelope(termKey(keys, keyTerm), term, key, stored);
  }

  async #decrypt(key: string, stored: Uint8Array): Promise<Uint8Array> {
    const keys = this.#state();
    const term = readTerm(stored);
    let keyTerm = findKeyTerm(keys.keyring, term);
    if (keyTerm === undefined) {
      // Another node sharing this storage may have rotated: reload the keyring once.
      keys.keyring = await this.#loadKeyring(keys.rootKey);
      keyTerm = findKeyTerm(keys.keyring, term);
      if (keyTerm === undefined) throw new HushError('internal', 'stored value uses an unknown key term');
    }
    return openEnvelope(termKey(keys, keyTerm), term, key, stored);
  }

  async #openKeys(unsealKey: Uint8Array): Promise<Unsealed> {
    const stored = await this.#backend.get(BARRIER_KEYS.rootKey);
    if (stored === undefined) throw new HushError('internal', 'root key is missing from storage');
    const rootKey = openEnvelope(unsealKey, 0, BARRIER_KEYS.rootKey, stored);
    try {
      return { rootKey, keyring: await this.#loadKeyring(rootKey), encryptions: new Map(), termKeys: new Map() };
    } catch (err) {
      rootKey.fill(0);
      throw err;
    }
  }

  async #loadKeyring(rootKey: Uint8Array): Promise<Keyring> {
    const stored = await this.#backend.get(BARRIER_KEYS.keyring);
    if (stored === undefined) throw new HushError('internal', 'keyring is missing from storage');
    const bytes = openEnvelope(rootKey, 0, BARRIER_KEYS.keyring, stored);
    try {
      return parseKeyring(bytes);
    } finally {
      bytes.fill(0);
    }
  }

  /** Runs `work` after every earlier exclusive operation (init, unseal, seal, rotate) settled. */
  #exclusive<T>(work: () => Promise<T>): Promise<T> {
    const run = this.#lock.then(work, work);
    this.#lock = run.catch(() => undefined);
    return run;
  }
}

function header(term: number): Uint8Array {
  const out = Buffer.alloc(HEADER_BYTES);
  out.writeUInt8(VALUE_VERSION, 0);
  out.writeUInt32BE(term, 1);
  return out;
}

function aadFor(head: Uint8Array, storageKey: string): Uint8Array {
  return Buffer.concat([head, encoder.encode(storageKey)]);
}

/** The key of `keyTerm`, imported for the cipher the first time it is used while unsealed. */
function termKey(keys: Unsealed, keyTerm: { readonly term: number; readonly key: Uint8Array }): AesKey {
  let k = keys.termKeys.get(keyTerm.term);
  if (k === undefined) keys.termKeys.set(keyTerm.term, (k = aesKey(keyTerm.key)));
  return k;
}

/** `header | AES-GCM box`, with the header and storage key as AAD. */
function envelope(key: AesKey, term: number, storageKey: string, plaintext: Uint8Array): Uint8Array {
  const head = header(term);
  return Buffer.concat([head, sealAesGcm(key, plaintext, aadFor(head, storageKey))]);
}

function readTerm(stored: Uint8Array): number {
  if (stored.length < HEADER_BYTES || stored[0] !== VALUE_VERSION) {
    throw new HushError('internal', 'stored value has an unknown format');
  }
  return Buffer.from(stored.buffer, stored.byteOffset, stored.byteLength).readUInt32BE(1);
}

function openEnvelope(key: AesKey, term: number, storageKey: string, stored: Uint8Array): Uint8Array {
  if (readTerm(stored) !== term) throw new HushError('internal', 'stored value has an unexpected key term');
  const head = stored.subarray(0, HEADER_BYTES);
  try {
    return openAesGcm(key, stored.subarray(HEADER_BYTES), aadFor(head, storageKey));
  } catch (err) {
    throw new HushError('internal', 'stored value failed to decrypt', { cause: err });
  }
}

/** The seal configuration `options` ask for; throws `bad_request` when invalid (init and rekey). */
export function checkInitOptions(options: InitializeOptions): SealConfig {
  const shares = options?.secretShares;
  const threshold = options?.secretThreshold;
  const bad = (message: string): HushError => new HushError('bad_request', `invalid seal configuration: ${message}`);
  if (!Number.isInteger(shares) || shares < 1) throw bad('shares must be at least one');
  if (shares > 255) throw bad('shares must be at most 255');
  if (!Number.isInteger(threshold) || threshold < 1) throw bad('threshold must be at least one');
  if (threshold > shares) throw bad('threshold cannot be larger than shares');
  if (shares > 1 && threshold === 1) throw bad('threshold must be greater than one for multiple shares');
  return { secret_shares: shares, secret_threshold: threshold };
}

function parseSealConfig(raw: Uint8Array): SealConfig {
  try {
    const parsed: unknown = JSON.parse(new TextDecoder().decode(raw));
    if (typeof parsed === 'object' && parsed !== null) {
      const { secret_shares: n, secret_threshold: t } = parsed as Record<string, unknown>;
      if (typeof n === 'number' && typeof t === 'number' && Number.isInteger(n) && Number.isInteger(t)) {
        return { secret_shares: n, secret_threshold: t };
      }
    }
  } catch (err) {
    throw new HushError('internal', 'stored seal configuration is malformed', { cause: err });
  }
  throw new HushError('internal', 'stored seal configuration is malformed');
}
