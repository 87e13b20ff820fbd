import { describe, expect, it } from 'vitest';
import { isHushError } from '../lib/errors.js';
import { normalizeAddress, parseJsonBody, toCoreRequest } from './request-mapping.js';
import type { HttpRequestParts } from './request-mapping.js';

const parts = (over: Partial<HttpRequestParts>): HttpRequestParts => ({
  method: 'GET',
  path: 'secret/data/x',
  query: {},
  headers: {},
  body: undefined,
  remoteAddress: '127.0.0.1',
  ...over,
});

function failure(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  return undefined;
}

describe('toCoreRequest', () => {
  it('keeps the first value of a repeated query parameter in query, all of them in data', () => {
    const req = toCoreRequest(parts({ query: { a: ['1', '2'], b: '3' } }), 'id-1');
    expect(req.query).toEqual({ a: '1', b: '3' });
    expect(req.data).toEqual({ a: ['1', '2'], b: '3' });
    expect(req.id).toBe('id-1');
  });

  it('drops list from the data of a list and adds the folder slash once', () => {
    const req = toCoreRequest(parts({ path: 'kv/metadata/', query: { list: 'true', after: 'x' } }), 'i');
    expect(req).toMatchObject({ operation: 'list', path: 'kv/metadata/', data: { after: 'x' }, query: { list: 'true', after: 'x' } });
  });

  it('does not read query parameters into the data of a write', () => {
    const req = toCoreRequest(parts({ method: 'PUT', query: { a: '1' }, body: Buffer.from('{"b":2}') }), 'i');
    expect(req.data).toEqual({ b: 2 });
  });

  it('refuses unknown methods and HEAD outside sys/health as unsupported operations', () => {
    expect(isHushError(failure(() => toCoreRequest(parts({ method: 'OPTIONS' }), 'i')), 'unsupported_operation')).toBe(true);
    expect(isHushError(failure(() => toCoreRequest(parts({ method: 'HEAD' }), 'i')), 'unsupported_operation')).toBe(true);
  });

  it('takes a bearer token case-insensitively and ignores other schemes', () => {
    expect(toCoreRequest(parts({ headers: { authorization: 'bearer abc' } }), 'i').clientToken).toBe('abc');
    expect(toCoreRequest(parts({ headers: { authorization: 'Basic abc' } }), 'i').clientToken).toBeUndefined();
    expect(toCoreRequest(parts({ headers: { 'x-vault-token': '' } }), 'i').clientToken).toBeUndefined();
  });

  it('refuses dot segments and NUL bytes in the path, not dots inside names', () => {
    for (const path of ['secret/../sys/policy/x', '../x', 'a/.', 'a/./b', '..', 'a\0b']) {
      expect(isHushError(failure(() => toCoreRequest(parts({ path }), 'i')), 'bad_request'), path).toBe(true);
    }
    expect(toCoreRequest(parts({ path: 'secret/data/.env.prod/..x' }), 'i').path).toBe('secret/data/.env.prod/..x');
  });

  it('treats a zero wrap TTL as no wrapping', () => {
    expect(toCoreRequest(parts({ headers: { 'x-vault-wrap-ttl': '0' } }), 'i').wrapTtlSeconds).toBeUndefined();
  });

  it('hides credentials and cookies from headers and joins repeated values', () => {
    const req = toCoreRequest(
      parts({ headers: { cookie: 'c', 'proxy-authorization': 'p', 'x-a': ['1', '2'], 'user-agent': 'hvac' } }),
      'i',
    );
    expect(req.headers).toEqual({ 'x-a': '1, 2', 'user-agent': 'hvac' });
  });
});

describe('parseJsonBody', () => {
  it('reads nothing, whitespace and null (Go clients writing no data) as {}', () => {
    expect(parseJsonBody(undefined)).toEqual({});
    expect(parseJsonBody(Buffer.alloc(0))).toEqual({});
    expect(parseJsonBody(Buffer.from(' \n '))).toEqual({});
    expect(parseJsonBody(Buffer.from('null'))).toEqual({});
    expect(parseJsonBody(Buffer.from(' null\n'))).toEqual({});
  });

  it('refuses a body that is not an object', () => {
    for (const body of ['[]', '"text"', '12', 'true']) {
      expect((failure(() => parseJsonBody(Buffer.from(body))) as Error).message).toBe('failed to parse JSON input: the body must be a JSON object');
    }
  });

  it('allows a constructor key holding plain data and the word __proto__ inside values', () => {
    expect(parseJsonBody(Buffer.from('{"constructor":"x","note":"__proto__"}'))).toEqual({ constructor: 'x', note: '__proto__' });
  });

  it('refuses prototype poisoning', () => {
    for (const body of ['{"__proto__":{}}', '{"a":{"__proto__":{"x":1}}}', '{"constructor":{"prototype":{}}}']) {
      expect(isHushError(failure(() => parseJsonBody(Buffer.from(body))), 'bad_request')).toBe(true);
    }
  });

  it('describes the failure without quoting the input', () => {
    const err = failure(() => parseJsonBody(Buffer.from('{"secret": s3cr3t}')));
    expect(isHushError(err, 'bad_request')).toBe(true);
    expect((err as Error).message).not.toContain('s3cr3t');
    expect((failure(() => parseJsonBody(Buffer.from('{"a":'))) as Error).message).toBe(
      'failed to parse JSON input: unexpected end of JSON input',
    );
  });
});

describe('normalizeAddress', () => {
  it('unwraps IPv4-mapped IPv6 addresses only', () => {
    expect(normalizeAddress('::ffff:10.1.2.3')).toBe('10.1.2.3');
    expect(normalizeAddress('::1')).toBe('::1');
    expect(normalizeAddress(undefined)).toBe('');
  });
});
