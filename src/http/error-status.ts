/**
 * @module The one table from {@link HushErrorCode} to HTTP status. The `Record` type makes the
 * compiler refuse a new code until it has a status here. Statuses follow what Vault answers, so
 * that hvac, the vault CLI and node-vault raise the exceptions their users expect.
 */
import type { HushErrorCode } from '../lib/errors.js';

export const ERROR_STATUS: Readonly<Record<HushErrorCode, number>> = Object.freeze({
  bad_request: 400,
  permission_denied: 403,
  not_found: 404,
  unsupported_operation: 405,
  payload_too_large: 413,
  // Vault answers a check-and-set mismatch with 400, and hvac maps it to InvalidRequest.
  conflict: 400,
  rate_limited: 429,
  sealed: 503,
  // An uninitialised Vault is also sealed: every request but sys/init and sys/health answers
  // 503 "Vault is sealed". sys/health's own 501 is a raw body chosen by the core, not an error.
  not_initialized: 503,
  unavailable: 503,
  internal: 500,
});

/** The HTTP status for an error code. */
export function statusForErrorCode(code: HushErrorCode): number {
  return ERROR_STATUS[code];
}
