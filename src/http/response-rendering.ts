/**
 * @module {@link CoreResponse} and errors → status and body, in Vault's exact shapes: the
 * envelope `{request_id, lease_id, renewable, lease_duration, data, wrap_info, warnings, auth}`,
 * 204 with no body when there is nothing to say, and `{"errors": [...]}` for failures. A body is
 * serialized once, here; nothing is parsed back.
 */
import type { CoreResponse } from '../core/request.js';
import { isHushError } from '../lib/errors.js';
import { statusForErrorCode } from './error-status.js';

export interface RenderedResponse {
  readonly status: number;
  /** JSON bytes, or null for a response without a body. */
  readonly body: Buffer | null;
  /** The `Location` header of a redirect. */
  readonly location?: string;
}

/** `mountType` is not in {@link CoreResponse} yet; rendered when the core provides it. */
type CoreResponseWithMount = CoreResponse & { readonly mountType?: string };

export function renderCoreResponse(requestId: string, res: CoreResponseWithMount): RenderedResponse {
  if (res.location !== undefined) return { status: res.status ?? 307, body: null, location: res.location };
  if (res.rawBody !== undefined) {
    return { status: res.status ?? 200, body: Buffer.from(JSON.stringify(res.rawBody)) };
  }
  const warnings = res.warnings !== undefined && res.warnings !== null && res.warnings.length > 0 ? res.warnings : null;
  const wrapped = res.wrapInfo !== undefined && res.wrapInfo !== null;
  const hasContent =
    wrapped || (res.data !== undefined && res.data !== null) || (res.auth !== undefined && res.auth !== null) ||
    warnings !== null || res.errors !== undefined;
  if (!hasContent && (res.status === undefined || res.status === 204)) return { status: 204, body: null };

  const envelope: Record<string, unknown> = {
    request_id: requestId,
    lease_id: wrapped ? '' : (res.leaseId ?? ''),
    renewable: wrapped ? false : (res.renewable ?? false),
    lease_duration: wrapped ? 0 : (res.leaseDuration ?? 0),
    data: wrapped ? null : (res.data ?? null),
    wrap_info: wrapped ? res.wrapInfo : null,
    warnings,
    auth: wrapped ? null : (res.auth ?? null),
  };
  if (res.mountType !== undefined) envelope['mount_type'] = res.mountType;
  if (res.errors !== undefined) envelope['errors'] = res.errors;
  if (res.copyDataToTopLevel === true && !wrapped && res.data) {
    for (const key in res.data) {
      if (!(key in envelope)) envelope[key] = res.data[key];
    }
  }
  return { status: res.status ?? 200, body: Buffer.from(JSON.stringify(envelope)) };
}

/** `{"errors": [...]}` as bytes. */
export function errorBody(messages: readonly string[]): Buffer {
  return Buffer.from(JSON.stringify({ errors: messages }));
}

const INTERNAL = errorBody(['internal error']);

/** Where unexpected failures are reported; tests pass their own. */
export type ErrorLog = (message: string) => void;

const stderrLog: ErrorLog = (message) => process.stderr.write(`${message}\n`);

/**
 * Renders any thrown value. HushErrors become their status and messages; anything else is a
 * bug: 500 `internal error` to the client, and the stack (never request data) to `log`, once.
 */
export function renderError(err: unknown, requestId: string, log: ErrorLog = stderrLog): RenderedResponse {
  if (isHushError(err)) {
    if (err.code === 'internal') log(describeForOperators(err.cause ?? err, requestId));
    return { status: statusForErrorCode(err.code), body: errorBody(err.messages) };
  }
  log(describeForOperators(err, requestId));
  return { status: 500, body: INTERNAL };
}

function describeForOperators(err: unknown, requestId: string): string {
  const what = err instanceof Error ? (err.stack ?? `${err.name}: ${err.message}`) : `non-error value of type ${typeof err}`;
  return `hush http: unexpected error in request ${requestId}: ${what}`;
}
