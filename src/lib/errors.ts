/**
 * @module The one error class of Hush. Every failure the product reports carries a code from
 * {@link HushErrorCode}; only `http/` maps codes to HTTP statuses and only `cli/` maps them to
 * exit lines. Messages are written for users and must never contain a secret value, a key or
 * SQL: wrap driver errors with the original as `cause` instead.
 */

/** Every way a request can fail. Add a code here, and the compiler asks for its status. */
export type HushErrorCode =
  | 'bad_request' //          malformed input, wrong types, unknown field values
  | 'permission_denied' //    missing/invalid token or a policy says no
  | 'not_found' //            nothing at that path (Vault answers 404 with empty errors)
  | 'unsupported_operation' // the path exists but not with this operation (405)
  | 'payload_too_large' //    request body over the configured limit (413)
  | 'conflict' //             check-and-set mismatch and similar precondition failures
  | 'rate_limited' //         lockout or quota (429)
  | 'sealed' //               the barrier is sealed (503)
  | 'not_initialized' //      sys/init has not run yet
  | 'unavailable' //          a dependency (audit device, storage) cannot serve (500/503)
  | 'internal'; //            a bug or an unexpected failure; message is generic

export interface HushErrorOptions {
  /** The original error, kept for operators' logs; never shown to clients. */
  readonly cause?: unknown;
  /** Several messages for one failure (Vault's `errors` array); defaults to `[message]`. */
  readonly messages?: readonly string[];
}

export class HushError extends Error {
  override readonly name = 'HushError';
  readonly code: HushErrorCode;
  readonly messages: readonly string[];

  constructor(code: HushErrorCode, message: string, options: HushErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.messages = options.messages ?? (message === '' ? [] : [message]);
  }
}

/** True when `err` is a HushError, optionally of one code. */
export function isHushError(err: unknown, code?: HushErrorCode): err is HushError {
  return err instanceof HushError && (code === undefined || err.code === code);
}

/** Shorthands for the common cases, so call sites read as the failure they describe. */
export const badRequest = (message: string, cause?: unknown) => new HushError('bad_request', message, { cause });
export const permissionDenied = (message = 'permission denied') => new HushError('permission_denied', message);
export const notFound = (message = '') => new HushError('not_found', message);
export const unsupportedOperation = (message = 'unsupported operation') =>
  new HushError('unsupported_operation', message);
export const internalError = (cause: unknown) => new HushError('internal', 'internal error', { cause });
