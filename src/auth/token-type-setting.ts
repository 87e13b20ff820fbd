/**
 * @module The `token_type` field of auth-method roles and users (AppRole, JWT, userpass), with
 * Vault's values and rules: `service`, `batch`, `default` (= service), `default-service` and
 * `default-batch`. The `default-*` values defer to a mount's tuned token type in Vault; Hush has
 * no such tuning yet, so they give their named kind. A setting that can issue batch tokens cannot
 * also ask for periodic or use-limited tokens, which batch tokens cannot be.
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

/** The kind of token a login under this setting receives. Stored settings of older versions
 * (anything unknown) mean service. */
export function issuedTokenType(setting: string): TokenType {
  return setting === 'batch' || setting === 'default-batch' ? 'batch' : 'service';
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
