/**
 * @module A standby's forwarding of a request to the active server (see `core/forwarding.ts`):
 * the request goes on as it came (method, path and query, headers, body) with the standby's
 * `X-Hush-Forwarded` header, and the active server's answer comes back as it is. When the active
 * server cannot be reached at all, the caller answers with the 307 instead; when the connection
 * fails after the request may have reached it, with a 502 (a client that retried elsewhere could
 * otherwise apply a write twice).
 */
import type { IncomingHttpHeaders } from 'node:http';
import { FORWARDED_HEADER } from '../core/forwarding.js';
import type { ForwardTarget } from '../core/forwarding.js';
import { errorBody } from './response-rendering.js';

/** Headers about one connection rather than the request, those fetch sets itself, and ours. */
const NOT_FORWARDED: ReadonlySet<string> = new Set([
  'connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'te', 'trailer', 'upgrade', 'host', 'content-length', 'expect',
  FORWARDED_HEADER,
]);
/** Headers of the active server's answer that the client gets too. */
const RELAYED = ['content-type', 'cache-control', 'location', 'retry-after'] as const;
/** Errors that mean no connection was made, so the active server saw nothing. */
const NOT_CONNECTED: ReadonlySet<string> = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN', 'UND_ERR_CONNECT_TIMEOUT']);
const FORWARD_TIMEOUT_MS = 60_000;

export interface ForwardedRequest {
  readonly method: string;
  /** Path and query as received (`/v1/…`). */
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer | undefined;
}

export interface RelayedResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Buffer | null;
}

/** The active server's answer to `req`, or undefined when it could not be reached at all. */
export async function forwardRequest(target: ForwardTarget, req: ForwardedRequest): Promise<RelayedResponse | undefined> {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined || NOT_FORWARDED.has(name)) continue;
    for (const v of Array.isArray(value) ? value : [value]) headers.append(name, v);
  }
  headers.set(FORWARDED_HEADER, target.header);
  const withBody = req.body !== undefined && req.body.length > 0 && req.method !== 'GET' && req.method !== 'HEAD';
  try {
    const res = await fetch(`${target.address}${req.url}`, {
      method: req.method,
      headers,
      ...(withBody ? { body: req.body } : {}),
      redirect: 'manual',
      signal: AbortSignal.timeout(FORWARD_TIMEOUT_MS),
    });
    const body = Buffer.from(await res.arrayBuffer());
    const relayed: Record<string, string> = {};
    for (const name of RELAYED) {
      const value = res.headers.get(name);
      if (value !== null) relayed[name] = value;
    }
    return { status: res.status, headers: relayed, body: body.length > 0 ? body : null };
  } catch (err) {
    if (NOT_CONNECTED.has(causeCode(err))) return undefined;
    return { status: 502, headers: { 'content-type': 'application/json' }, body: errorBody(['the active server did not answer a forwarded request']) };
  }
}

/** The code of fetch's underlying error (`ECONNREFUSED` …), or `''`. */
function causeCode(err: unknown): string {
  const cause = err instanceof Error ? (err.cause as { code?: unknown } | undefined) : undefined;
  return typeof cause?.code === 'string' ? cause.code : '';
}
