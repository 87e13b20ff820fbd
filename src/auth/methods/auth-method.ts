/**
 * @module The auth-method contract. An auth method is mounted under `auth/<path>/` like an
 * engine, sees only its mount's storage view, and answers its own paths (roles, users, config,
 * login). On a successful login it returns WHO logged in and what the token may do
 * ({@link LoginResult}); the core issues the token, applies the mount's TTL limits, audits the
 * login and counts failures for lockout. Methods never create tokens themselves.
 */
import type { EngineRequest, EngineResponse, MountConfig } from '../../engines/engine.js';
import type { Storage } from '../../storage/storage.js';

/** An engine's request without the caller (logins have none yet), plus the caller's address.
 * `path` is below the mount (`login`, `role/ci`); `mountPoint` is without `auth/` (`approle/`). */
export interface AuthRequest extends Omit<EngineRequest, 'callerId'> {
  /** Caller's address, for CIDR bindings. */
  readonly remoteAddress: string;
}

/** What a successful login grants; the core turns it into a token. */
export interface LoginResult {
  /** Policies of the new token (the core adds `default` unless `noDefaultPolicy`). */
  readonly policies: readonly string[];
  readonly noDefaultPolicy?: boolean;
  /** Token metadata, visible in lookups and audit (e.g. `role_name`, `username`). */
  readonly metadata: Readonly<Record<string, string>>;
  /** Shown as the token's display name, prefixed with the mount type by the core. */
  readonly displayName: string;
  /** Seconds; 0 or absent = the mount's default. */
  readonly ttl?: number;
  readonly maxTtl?: number;
  readonly explicitMaxTtl?: number;
  readonly period?: number;
  readonly numUses?: number;
  readonly boundCidrs?: readonly string[];
  /** Whether the token may be renewed (default true; batch tokens never are). */
  readonly renewable?: boolean;
  /** The role's or user's `token_type` setting (default `default`): the core resolves it under
   * the mount's own `token_type` (`loginTokenType` in `token-type-setting.ts`). */
  readonly tokenType?: string;
  /** The identity behind the login (user name, role id, `sub`), for audit and lockout. */
  readonly aliasName: string;
}

export interface AuthResponse extends EngineResponse {
  /** Set by a successful login; the core answers with the `auth` block of the new token. */
  readonly login?: LoginResult;
}

export interface AuthMethod {
  handle(req: AuthRequest): Promise<AuthResponse>;
  /** Paths answered without a client token (login endpoints). */
  isUnauthenticatedPath(path: string): boolean;
  /**
   * The name lockout counts failed logins against (user name, role id, role), read from a login
   * request before it is handled; undefined when the request names none. A name anyone can
   * know may be scoped to the caller's address ({@link addressScoped}).
   */
  loginIdentifier?(req: AuthRequest): string | undefined;
  /** Removes what has expired from the method's storage (the server's periodic sweep); resolves
   * to how much it removed, and stops early once `signal` is aborted. */
  tidy?(signal: AbortSignal): Promise<number>;
  close?(): Promise<void>;
}

export interface AuthMethodContext {
  readonly view: Storage;
  readonly mount: MountConfig;
  /** Milliseconds since the epoch; injectable for tests of expiry. */
  readonly now: () => number;
}

export interface AuthMethodFactory {
  /** Mount type, e.g. `approle`, `jwt`, `userpass`. */
  readonly type: string;
  create(ctx: AuthMethodContext): Promise<AuthMethod>;
}

/** A login identifier that counts for one source address only (JWT roles: a role's name is
 * public, so a lock of the name itself would let anyone lock everyone out). Unlocking the bare
 * name lifts these too. */
export function addressScoped(name: string, address: string): string {
  return `${name} from ${address}`;
}
