/**
 * @module HTTP request → {@link CoreRequest}, with Vault's rules: the method and the `list`
 * query parameter give the operation, the JSON body (or, for reads, lists and deletes, the
 * query) gives `data`, and the `X-Vault-*` headers give the token, namespace and wrapping TTL.
 * Framework-free: `http-server.ts` passes the pieces in.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { CoreRequest, Operation } from '../core/request.js';
import { HushError, badRequest, unsupportedOperation } from '../lib/errors.js';
import { parseDurationSeconds } from '../lib/duration.js';
import { FORWARDED_HEADER } from '../core/forwarding.js';

/** The parts of an HTTP request the mapping reads. */
export interface HttpRequestParts {
  readonly method: string;
  /** Decoded path after `/v1/`. */
  readonly path: string;
  readonly query: Readonly<Record<string, string | readonly string[] | undefined>>;
  readonly headers: IncomingHttpHeaders;
  /** Raw body bytes, if the request had a body. */
  readonly body: Buffer | undefined;
  readonly remoteAddress: string | undefined;
}

/** Headers never copied into {@link CoreRequest.headers}: credentials travel separately. */
const HIDDEN_HEADERS: ReadonlySet<string> = new Set(['authorization', 'x-vault-token', 'cookie', 'proxy-authorization', FORWARDED_HEADER]);

/** Go's strconv.ParseBool, which Vault uses for `list`. */
const BOOLEANS: Readonly<Record<string, boolean>> = {
  '1': true, t: true, T: true, true: true, TRUE: true, True: true,
  '0': false, f: false, F: false, false: false, FALSE: false, False: false,
};

/** `.` or `..` as a path segment, or a NUL byte: never a real name, only a way around a policy. */
const UNSAFE_PATH = /(?:^|\/)\.{1,2}(?:\/|$)|\0/;
const IPV4_MAPPED_PREFIX = '::ffff:';
const BEARER_PREFIX = 'bearer ';

/** Builds the core request, or throws HushError('bad_request' | 'unsupported_operation'). */
export function toCoreRequest(parts: HttpRequestParts, id: string): CoreRequest {
  if (UNSAFE_PATH.test(parts.path)) throw badRequest('invalid path: dot segments and NUL bytes are not allowed');
  const query = firstValues(parts.query);
  const { operation, path } = operationFor(parts.method, parts.path, query);
  let data: Record<string, unknown>;
  switch (operation) {
    case 'read':
    case 'list':
      data = queryData(parts.query, operation === 'list');
      break;
    case 'delete': {
      const body = parseJsonBody(parts.body);
      data = isEmpty(body) ? queryData(parts.query, false) : { ...queryData(parts.query, false), ...body };
      break;
    }
    default:
      data = parseJsonBody(parts.body);
  }
  checkNamespace(parts.headers['x-vault-namespace']);
  const clientToken = tokenFrom(parts.headers);
  const wrapTtlSeconds = wrapTtlFrom(parts.headers['x-vault-wrap-ttl']);
  const forwarded = parts.headers[FORWARDED_HEADER];
  return {
    id,
    operation,
    path,
    data,
    query,
    remoteAddress: normalizeAddress(parts.remoteAddress),
    headers: visibleHeaders(parts.headers),
    ...(clientToken === undefined ? {} : { clientToken }),
    ...(wrapTtlSeconds === undefined ? {} : { wrapTtlSeconds }),
    ...(typeof forwarded === 'string' ? { forwarded } : {}),
  };
}

function operationFor(method: string, path: string, query: Readonly<Record<string, string>>): { operation: Operation; path: string } {
  switch (method) {
    case 'GET': {
      const list = query['list'];
      if (list === undefined || list === '') return { operation: 'read', path };
      const value = BOOLEANS[list];
      if (value === undefined) throw badRequest('invalid value for list: expected true or false');
      // Vault lists a folder: the path ends with a slash.
      return value ? { operation: 'list', path: path.endsWith('/') ? path : `${path}/` } : { operation: 'read', path };
    }
    case 'HEAD':
      if (path === 'sys/health') return { operation: 'read', path };
      throw unsupportedOperation();
    case 'PUT':
    case 'POST':
      return { operation: 'update', path };
    case 'PATCH':
      return { operation: 'patch', path };
    case 'DELETE':
      return { operation: 'delete', path };
    default:
      throw unsupportedOperation();
  }
}

/**
 * Parses a JSON object body. An empty (or all-whitespace) body is `{}`, and so is `null`, which
 * Go programs send for "no data" (`client.Logical().Write(path, nil)` in HashiCorp's client
 * library) and Vault accepts; anything else but an object is refused. Messages never quote the
 * input: it may hold secret values.
 */
export function parseJsonBody(body: Buffer | undefined): Record<string, unknown> {
  if (body === undefined || body.length === 0) return {};
  const text = body.toString('utf8');
  let value: unknown;
  try {
    value = mayPoisonPrototype(body) ? JSON.parse(text, refusePrototypeKeys) : JSON.parse(text);
  } catch (err) {
    if (text.trim() === '') return {};
    if (err instanceof HushError) throw err;
    throw badRequest(`failed to parse JSON input: ${describeJsonError(err)}`);
  }
  if (value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw badRequest('failed to parse JSON input: the body must be a JSON object');
  }
  return value as Record<string, unknown>;
}

const PROTO = Buffer.from('__proto__');
const CONSTRUCTOR = Buffer.from('constructor');

function mayPoisonPrototype(body: Buffer): boolean {
  return body.includes(PROTO) || body.includes(CONSTRUCTOR);
}

function refusePrototypeKeys(this: unknown, key: string, value: unknown): unknown {
  if (key === '__proto__' || (key === 'constructor' && value !== null && typeof value === 'object' && 'prototype' in value)) {
    throw badRequest('failed to parse JSON input: forbidden key');
  }
  return value;
}

const POSITION = /position (\d+)/;

function describeJsonError(err: unknown): string {
  const message = err instanceof Error ? err.message : '';
  if (message.includes('end of JSON input')) return 'unexpected end of JSON input';
  const position = POSITION.exec(message);
  return position === null ? 'invalid JSON' : `invalid JSON at position ${position[1]}`;
}

function firstValues(query: HttpRequestParts['query']): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key in query) {
    const value = query[key];
    if (value === undefined) continue;
    out[key] = typeof value === 'string' ? value : (value[0] ?? '');
  }
  return out;
}

/** Query parameters as request data (Vault keeps repeated parameters as lists). */
function queryData(query: HttpRequestParts['query'], dropList: boolean): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key in query) {
    const value = query[key];
    if (value === undefined || (dropList && key === 'list')) continue;
    out[key] = typeof value === 'string' || value.length !== 1 ? value : value[0];
  }
  return out;
}

function isEmpty(value: Record<string, unknown>): boolean {
  for (const _ in value) return false;
  return true;
}

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function tokenFrom(headers: IncomingHttpHeaders): string | undefined {
  const vaultToken = single(headers['x-vault-token']);
  if (vaultToken !== undefined && vaultToken !== '') return vaultToken;
  const authorization = headers.authorization;
  if (authorization === undefined || authorization.length <= BEARER_PREFIX.length) return undefined;
  if (authorization.slice(0, BEARER_PREFIX.length).toLowerCase() !== BEARER_PREFIX) return undefined;
  const token = authorization.slice(BEARER_PREFIX.length).trim();
  return token === '' ? undefined : token;
}

function checkNamespace(header: string | string[] | undefined): void {
  const namespace = single(header)?.trim();
  if (namespace === undefined || namespace === '' || namespace === 'root' || namespace === 'root/') return;
  throw badRequest('namespaces are not supported');
}

function wrapTtlFrom(header: string | string[] | undefined): number | undefined {
  const value = single(header);
  if (value === undefined || value === '') return undefined;
  const seconds = parseDurationSeconds(value);
  return seconds > 0 ? seconds : undefined;
}

function visibleHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name in headers) {
    const value = headers[name];
    if (value === undefined || HIDDEN_HEADERS.has(name)) continue;
    out[name] = typeof value === 'string' ? value : value.join(', ');
  }
  return out;
}

/** `::ffff:10.0.0.1` → `10.0.0.1`, so CIDR bindings see IPv4 callers as IPv4. */
export function normalizeAddress(address: string | undefined): string {
  if (address === undefined) return '';
  return address.startsWith(IPV4_MAPPED_PREFIX) && address.includes('.') ? address.slice(IPV4_MAPPED_PREFIX.length) : address;
}
