/**
 * @module Response wrapping: instead of a response, the caller gets a single-use wrapping token
 * whose only power is to unwrap that response once, within its TTL. This is how a deployment
 * tool hands a secret ID to a new machine without anyone in between seeing it. The wrapped
 * response is kept in barrier storage (encrypted) under the wrapping token's hash; unwrapping
 * spends the token's single use, so two concurrent unwraps cannot both succeed.
 */
import { HushError } from '../lib/errors.js';
import type { Storage } from '../storage/storage.js';
import type { TokenEntry, TokenStore } from '../auth/token-types.js';
import type { CoreResponse, ResponseAuth, WrapInfo } from './request.js';

/** The only policy a wrapping token carries; it grants nothing through the ACL. */
export const WRAPPING_POLICY = 'response-wrapping';
/** `sys/wrapping/wrap` without a requested TTL wraps for five minutes, as Vault does. */
export const DEFAULT_WRAP_TTL_SECONDS = 300;

interface WrappedPayload {
  readonly data: Readonly<Record<string, unknown>> | null;
  readonly auth: ResponseAuth | null;
  readonly warnings: readonly string[] | null;
  readonly creationPath: string;
  readonly creationTime: string;
  readonly ttl: number;
}

const invalid = () => new HushError('bad_request', 'wrapping token is not valid or does not exist');

export class ResponseWrapping {
  readonly #tokens: TokenStore;
  readonly #storage: Storage;

  constructor(tokens: TokenStore, storage: Storage) {
    this.#tokens = tokens;
    this.#storage = storage;
  }

  /** Stores `res` and answers with wrap info only. */
  async wrap(res: CoreResponse, ttlSeconds: number, creationPath: string): Promise<CoreResponse> {
    const created = await this.#tokens.create({
      policies: [WRAPPING_POLICY],
      noDefaultPolicy: true,
      ttl: ttlSeconds,
      explicitMaxTtl: ttlSeconds,
      numUses: 1,
      orphan: true,
      renewable: false,
      displayName: 'response-wrapping',
      path: creationPath,
    });
    const payload: WrappedPayload = {
      data: res.data ?? null,
      auth: res.auth ?? null,
      warnings: res.warnings ?? null,
      creationPath,
      creationTime: new Date(created.entry.creationTime).toISOString(),
      ttl: ttlSeconds,
    };
    await this.#storage.put(created.entry.hashedId, new TextEncoder().encode(JSON.stringify(payload)));
    const wrapInfo: WrapInfo = {
      token: created.token,
      accessor: created.entry.accessor,
      ttl: ttlSeconds,
      creation_time: payload.creationTime,
      creation_path: creationPath,
      ...(res.auth ? { wrapped_accessor: res.auth.accessor } : {}),
    };
    return { wrapInfo };
  }

  /** Returns the wrapped response once; the token is spent and revoked. */
  async unwrap(token: string): Promise<CoreResponse> {
    const entry = await this.#wrappingEntry(token);
    const payload = await this.#payload(entry);
    if (!(await this.#tokens.use(entry))) throw invalid();
    await this.#storage.delete(entry.hashedId);
    return { data: payload.data, auth: payload.auth, warnings: payload.warnings };
  }

  /** Facts about a wrapping token without spending it. */
  async lookup(token: string): Promise<CoreResponse> {
    const entry = await this.#wrappingEntry(token);
    const payload = await this.#payload(entry);
    return {
      data: { creation_path: payload.creationPath, creation_time: payload.creationTime, creation_ttl: payload.ttl },
    };
  }

  /** Moves the wrapped response to a fresh wrapping token; the old one stops working. */
  async rewrap(token: string): Promise<CoreResponse> {
    const entry = await this.#wrappingEntry(token);
    const payload = await this.#payload(entry);
    if (!(await this.#tokens.use(entry))) throw invalid();
    await this.#storage.delete(entry.hashedId);
    return this.wrap({ data: payload.data, auth: payload.auth, warnings: payload.warnings }, payload.ttl, payload.creationPath);
  }

  async #wrappingEntry(token: string): Promise<TokenEntry> {
    if (token === '') throw invalid();
    const entry = await this.#tokens.lookup(token);
    if (!entry || !entry.policies.includes(WRAPPING_POLICY)) throw invalid();
    return entry;
  }

  async #payload(entry: TokenEntry): Promise<WrappedPayload> {
    const raw = await this.#storage.get(entry.hashedId);
    if (!raw) throw invalid();
    return JSON.parse(new TextDecoder().decode(raw)) as WrappedPayload;
  }
}
