/**
 * @module The `token_type` of auth-method roles and users (AppRole, JWT, userpass) and of auth
 * mounts (`sys/auth/:path/tune`), with Vault's values and rules. A role or user says `service`,
 * `batch`, `default`, `default-service` or `default-batch`; a mount says `default-service` (the
 * default), `default-batch`, `service` or `batch`. A mount tuned to `service` or `batch` issues
 * that kind whatever the role asks; otherwise the role's choice stands, and a role's `default`
 * takes the mount's default ({@link loginTokenType}). A setting that can issue batch tokens
 * cannot also ask for periodic or use-limited tokens, which batch tokens cannot be.
 */
import { badRequest } from '../lib/errors.js';
import type { TokenType } from './token-types.js';

export type TokenTypeSetting = 'default' | 'service' | 'batch' | 'default-service' | 'default-batch';

const SETTINGS: ReadonlySet<string> = new Set<TokenTypeSetting>(['default', 'service', 'batch', 'default-service', 'default-batch']);

/** A `token_type` value as given (trimmed, case-insensitive); `""` is `default`. */
export function parseTokenTypeSetting(value: string): TokenTypeSetting {
  const t = value.trim().toLowerCase() || 'default';
  if (!SETTINGS.has(t)) {
    throw badRequest(
      `invalid 'token_type' value ${JSON.stringify(t.slice(0, 32))}: use "service", "batch", "default", "default-service" or "default-batch"`,
    );
  }
  return t as TokenTypeSetting;
}

/** A mount's `token_type`. */
export type MountTokenType = 'default-service' | 'default-batch' | 'service' | 'batch';

const MOUNT_SETTINGS: ReadonlySet<string> = new Set<MountTokenType>(['default-service', 'default-batch', 'service', 'batch']);

/** A mount's `token_type` as given to `sys/auth` (trimmed, case-insensitive); `""` is
 * `default-service`. */
export function parseMountTokenType(value: unknown): MountTokenType {
  const t = (typeof value === 'string' ? value : '').trim().toLowerCase() || 'default-service';
  if (typeof value !== 'string' || !MOUNT_SETTINGS.has(t)) {
    throw badRequest(`invalid value for 'token_type': use "default-service", "default-batch", "service" or "batch"`);
  }
  return t as MountTokenType;
}

/** The kind of token a login under this setting asks for when its mount has no say. Stored
 * settings of older versions (anything unknown) mean service. */
export function issuedTokenType(setting: string): TokenType {
  return setting === 'batch' || setting === 'default-batch' ? 'batch' : 'service';
}

/** The kind of token a login receives: the role's (or user's) `token_type` setting under its
 * mount's (Vault's rules, see the module comment). */
export function loginTokenType(setting: string, mount: MountTokenType = 'default-service'): TokenType {
  if (mount === 'service' || mount === 'batch') return mount;
  if (setting === 'default' || setting === '') return mount === 'default-batch' ? 'batch' : 'service';
  return issuedTokenType(setting);
}

/** Vault's refusal of a batch setting combined with fields batch tokens cannot have. */
export function checkBatchTokenFields(setting: string, fields: { readonly period: number; readonly numUses: number }): void {
  if (issuedTokenType(setting) !== 'batch') return;
  if (fields.period !== 0) {
    throw badRequest("'token_type' cannot be 'batch' or 'default_batch' when set to generate periodic tokens");
  }
  if (fields.numUses !== 0) {
    throw badRequest("'token_type' cannot be 'batch' or 'default_batch' when set to generate tokens with limited use count");
  }
}
