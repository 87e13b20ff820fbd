import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { CoreRequest, CoreResponse } from '../core/request.js';
import { HushError } from '../lib/errors.js';
import type { HushErrorCode } from '../lib/errors.js';
import { ERROR_STATUS } from './error-status.js';
import { createHttpServer } from './http-server.js';
import type { HttpServer } from './http-server.js';
import { RawConnection } from './testing/raw-http-client.js';

let answer: (req: CoreRequest) => Promise<CoreResponse> | CoreResponse;
const seen: CoreRequest[] = [];
const logged: string[] = [];
let server: HttpServer;
let base: string;

beforeAll(async () => {
  server = await createHttpServer({
    handler: {
      async handle(req) {
        seen.push(req);
        return answer(req);
      },
    },
    maxRequestBytes: 1024,
    errorLog: (message) => logged.push(message),
  });
  base = (await server.listen('127.0.0.1', 0)).address;
});
afterAll(async () => {
  await server.close();
});
beforeEach(() => {
  seen.length = 0;
  logged.length = 0;
  answer = () => ({ data: { ok: true } });
});

async function call(path: string, init: RequestInit = {}): Promise<{ status: number; headers: Headers; text: string; json: unknown }> {
  const res = await fetch(`${base}${path}`, init);
  const text = await res.text();
  return { status: res.status, headers: res.headers, text, json: text === '' ? undefined : JSON.parse(text) };
}

describe('listen', () => {
  it('reports the URL clients use', () => {
    expect(base).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });
});

describe('request mapping', () => {
  it('maps GET to read with the query in data and query', async () => {
    await call('/v1/secret/data/app?version=3');
    expect(seen[0]).toMatchObject({ operation: 'read', path: 'secret/data/app', data: { version: '3' }, query: { version: '3' } });
    expect(seen[0]?.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(seen[0]?.remoteAddress).toBe('127.0.0.1');
  });

  it('maps GET ?list=true (and True, 1, TRUE) to list; refuses a junk list value', async () => {
    for (const value of ['true', 'True', '1', 'TRUE']) await call(`/v1/kv/metadata/x?list=${value}`);
    expect(seen.map((r) => [r.operation, r.path])).toEqual(Array(4).fill(['list', 'kv/metadata/x/']));
    await call('/v1/kv/metadata/x?list=false');
    expect(seen[4]?.operation).toBe('read');
    const bad = await call('/v1/kv/metadata/x?list=maybe');
    expect(bad.status).toBe(400);
  });

  it('maps PUT and POST to update with the JSON body as data', async () => {
    for (const method of ['PUT', 'POST']) {
      await call('/v1/secret/data/app', { method, body: JSON.stringify({ data: { a: 1 } }), headers: { 'content-type': 'application/json' } });
    }
    expect(seen.map((r) => r.operation)).toEqual(['update', 'update']);
    expect(seen[0]?.data).toEqual({ data: { a: 1 } });
  });

  it('accepts merge-patch, a missing content type, curl’s form type and an empty body', async () => {
    await call('/v1/p', { method: 'PATCH', body: '{"a":1}', headers: { 'content-type': 'application/merge-patch+json' } });
    await call('/v1/p', { method: 'PUT', body: new TextEncoder().encode('{"b":2}') });
    await call('/v1/p', { method: 'POST', body: '{"c":3}', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    await call('/v1/p', { method: 'POST' });
    expect(seen.map((r) => [r.operation, r.data])).toEqual([
      ['patch', { a: 1 }],
      ['update', { b: 2 }],
      ['update', { c: 3 }],
      ['update', {}],
    ]);
    expect(seen[0]?.headers['content-type']).toBe('application/merge-patch+json');
  });

  it('maps DELETE with query and body into data', async () => {
    await call('/v1/secret/data/x?versions=1', { method: 'DELETE', body: '{"b":true}' });
    expect(seen[0]).toMatchObject({ operation: 'delete', data: { versions: '1', b: true } });
  });

  it('reads the token from X-Vault-Token, else Authorization: Bearer, and hides both from headers', async () => {
    await call('/v1/a', { headers: { 'x-vault-token': 'hvs.one', authorization: 'Bearer two' } });
    await call('/v1/a', { headers: { authorization: 'Bearer two' } });
    await call('/v1/a');
    expect(seen.map((r) => r.clientToken)).toEqual(['hvs.one', 'two', undefined]);
    expect(seen[0]?.headers['x-vault-token']).toBeUndefined();
    expect(seen[0]?.headers['authorization']).toBeUndefined();
  });

  it('accepts the root namespace only', async () => {
    expect((await call('/v1/a', { headers: { 'x-vault-namespace': 'root' } })).status).toBe(200);
    expect((await call('/v1/a', { headers: { 'x-vault-namespace': '' } })).status).toBe(200);
    const other = await call('/v1/a', { headers: { 'x-vault-namespace': 'team-a' } });
    expect(other.status).toBe(400);
    expect(other.json).toEqual({ errors: ['namespaces are not supported'] });
  });

  it('parses X-Vault-Wrap-TTL as seconds or a duration', async () => {
    await call('/v1/a', { headers: { 'x-vault-wrap-ttl': '300' } });
    await call('/v1/a', { headers: { 'x-vault-wrap-ttl': '5m' } });
    await call('/v1/a', { headers: { 'x-vault-wrap-ttl': '1h' } });
    expect(seen.map((r) => r.wrapTtlSeconds)).toEqual([300, 300, 3600]);
    expect((await call('/v1/a', { headers: { 'x-vault-wrap-ttl': 'soon' } })).status).toBe(400);
  });

  it('decodes the path and keeps a trailing slash', async () => {
    await call('/v1/secret/data/my%20app/');
    expect(seen[0]?.path).toBe('secret/data/my app/');
  });

  it('serves HEAD only for sys/health', async () => {
    answer = () => ({ rawBody: { initialized: true }, status: 200 });
    const head = await fetch(`${base}/v1/sys/health`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(seen[0]?.operation).toBe('read');
    expect((await fetch(`${base}/v1/secret/x`, { method: 'HEAD' })).status).toBe(405);
  });
});

describe('response rendering', () => {
  it('renders Vault’s envelope with exact headers', async () => {
    answer = () => ({ data: { a: 1 }, leaseId: 'l/1', leaseDuration: 60, renewable: true, warnings: ['w'] });
    const res = await call('/v1/a');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json');
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.text).toBe(
      JSON.stringify({
        request_id: seen[0]?.id,
        lease_id: 'l/1',
        renewable: true,
        lease_duration: 60,
        data: { a: 1 },
        wrap_info: null,
        warnings: ['w'],
        auth: null,
      }),
    );
  });

  it('answers 204 without a body when there is nothing to say', async () => {
    answer = () => ({});
    const res = await call('/v1/a', { method: 'DELETE' });
    expect(res.status).toBe(204);
    expect(res.text).toBe('');
  });

  it('copies data to the top level when asked', async () => {
    answer = () => ({ data: { sealed: false }, copyDataToTopLevel: true });
    expect((await call('/v1/sys/x')).json).toMatchObject({ sealed: false, data: { sealed: false } });
  });

  it('sends a raw body as is with its status', async () => {
    answer = () => ({ rawBody: { initialized: false }, status: 501 });
    const res = await call('/v1/sys/health');
    expect(res.status).toBe(501);
    expect(res.json).toEqual({ initialized: false });
    expect(res.headers.get('content-type')).toBe('application/json');
  });

  it('puts wrap info in wrap_info and nulls data and auth', async () => {
    const wrapInfo = { token: 't', accessor: 'a', ttl: 60, creation_time: 'now', creation_path: 'p' };
    answer = () => ({ data: { secret: 'x' }, wrapInfo });
    const res = await call('/v1/a');
    expect(res.json).toMatchObject({ data: null, auth: null, wrap_info: wrapInfo });
    expect(res.text).not.toContain('"secret"');
  });
});

describe('errors', () => {
  it.each(Object.entries(ERROR_STATUS))('%s → %d with {"errors": [...]}', async (code, status) => {
    answer = () => {
      throw new HushError(code as HushErrorCode, `it failed: ${code}`);
    };
    const res = await call('/v1/a');
    expect(res.status).toBe(status);
    expect(res.headers.get('content-type')).toBe('application/json');
    expect(res.json).toEqual({ errors: [`it failed: ${code}`] });
  });

  it('answers not_found without messages with an empty errors list', async () => {
    answer = () => {
      throw new HushError('not_found', '');
    };
    const res = await call('/v1/a');
    expect([res.status, res.text]).toEqual([404, '{"errors":[]}']);
  });

  it('answers a non-HushError with 500 "internal error", logs it once, leaks no stack', async () => {
    answer = () => {
      throw new TypeError('kaboom at the secret place');
    };
    const res = await call('/v1/a', { method: 'PUT', body: '{"password":"hunter2"}' });
    expect(res.status).toBe(500);
    expect(res.json).toEqual({ errors: ['internal error'] });
    expect(res.text).not.toContain('kaboom');
    expect(logged).toHaveLength(1);
    expect(logged[0]).toContain('kaboom');
    expect(logged[0]).not.toContain('hunter2');
  });

  it('answers malformed JSON with 400 without quoting the input', async () => {
    const res = await call('/v1/a', { method: 'PUT', body: '{"password": hunter2}' });
    expect(res.status).toBe(400);
    const [message] = (res.json as { errors: string[] }).errors;
    expect(message).toMatch(/^failed to parse JSON input: /);
    expect(message).not.toContain('hunter2');
    expect(seen).toHaveLength(0);
  });

  it('refuses a JSON body that is not an object, and takes null as no data (as Vault does)', async () => {
    for (const body of ['[1]', '"s"', '3']) {
      expect((await call('/v1/a', { method: 'POST', body })).status).toBe(400);
    }
    expect((await call('/v1/a', { method: 'POST', body: 'null' })).status).toBeLessThan(300);
  });

  it('refuses prototype keys', async () => {
    const res = await call('/v1/a', { method: 'POST', body: '{"__proto__":{"admin":true}}' });
    expect(res.status).toBe(400);
  });

  it('answers a body over the limit with 413', async () => {
    const res = await call('/v1/a', { method: 'PUT', body: JSON.stringify({ big: 'x'.repeat(2000) }) });
    expect(res.status).toBe(413);
    expect(res.json).toEqual({ errors: ['http: request body too large'] });
  });

  it('answers paths outside /v1/ with 404 and unknown methods under /v1/ with 405', async () => {
    const outside = await call('/nope');
    expect([outside.status, outside.text]).toEqual([404, '{"errors":[]}']);
    expect(outside.headers.get('content-type')).toBe('application/json');
    expect((await call('/v1/a', { method: 'OPTIONS' })).status).toBe(405);
  });

  it('maps Fastify’s own errors (an unparsable content type) to the same shape', async () => {
    const res = await call('/v1/a', { method: 'POST', body: '{}', headers: { 'content-type': '%%%' } });
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    expect(res.headers.get('content-type')).toBe('application/json');
    expect(Object.keys(res.json as object)).toEqual(['errors']);
  });

  it('refuses dot segments sent by a raw client', async () => {
    const c = await RawConnection.open(Number(new URL(base).port));
    await c.write('GET /v1/secret/../sys/policy/root HTTP/1.1\r\nHost: x\r\n\r\n');
    const [res] = await c.responses(1);
    c.destroy();
    expect(res?.status).toBe(400);
    expect(seen).toHaveLength(0);
  });

  it('answers a malformed URL in the same shape', async () => {
    const c = await RawConnection.open(Number(new URL(base).port));
    await c.write('GET /v1/%zz HTTP/1.1\r\nHost: x\r\n\r\n');
    const [res] = await c.responses(1);
    c.destroy();
    expect(res?.status).toBe(400);
    expect(Object.keys(JSON.parse(res?.body ?? '{}') as object)).toEqual(['errors']);
  });
});

describe('close', () => {
  it('closes idle keep-alive connections promptly', async () => {
    const other = await createHttpServer({ handler: { handle: async () => ({}) } });
    const port = Number(new URL((await other.listen('127.0.0.1', 0)).address).port);
    const c = await RawConnection.open(port);
    await c.write('LIST /v1/a HTTP/1.1\r\nHost: x\r\n\r\n');
    await c.responses(1);
    const started = Date.now();
    await other.close();
    expect(Date.now() - started).toBeLessThan(2000);
    expect(await c.closedByServer()).toBe(true);
  });
});
