import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { forwardRequest } from './request-forwarding.js';

const servers: http.Server[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await new Promise((r) => s.close(r));
});

/** A stand-in for the active server on loopback. */
async function activeServer(handler: http.RequestListener): Promise<string> {
  const server = http.createServer(handler);
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('forwarding a request to the active server', () => {
  it('sends it on as it came, with the standby header and without connection headers, and relays the answer', async () => {
    let seen: { method?: string; url?: string; headers?: http.IncomingHttpHeaders; body?: string } = {};
    const address = await activeServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        seen = { method: req.method, url: req.url, headers: req.headers, body };
        res.writeHead(201, { 'content-type': 'application/json', 'cache-control': 'no-store', 'x-other': 'dropped' });
        res.end('{"data":{"ok":true}}');
      });
    });
    const relayed = await forwardRequest(
      { address, header: 'vouched' },
      {
        method: 'PUT',
        url: '/v1/secret/data/app?x=1',
        headers: { 'x-vault-token': 'hvs.t', 'content-type': 'application/json', connection: 'keep-alive', 'x-hush-forwarded': 'from-the-client', host: 'standby:8200' },
        body: Buffer.from('{"data":{"k":"v"}}'),
      },
    );
    expect(seen).toMatchObject({ method: 'PUT', url: '/v1/secret/data/app?x=1', body: '{"data":{"k":"v"}}' });
    expect(seen.headers).toMatchObject({ 'x-vault-token': 'hvs.t', 'x-hush-forwarded': 'vouched' });
    expect(seen.headers?.['host']).not.toBe('standby:8200');
    expect(relayed).toEqual({
      status: 201,
      headers: { 'content-type': 'application/json', 'cache-control': 'no-store' },
      body: Buffer.from('{"data":{"ok":true}}'),
    });
  });

  it('gives up (the caller redirects) when nothing answers, and answers 502 when the connection dies after sending', async () => {
    const closed = await activeServer(() => undefined);
    await new Promise((r) => servers.pop()?.close(r));
    expect(await forwardRequest({ address: closed, header: 'h' }, { method: 'GET', url: '/v1/sys/mounts', headers: {}, body: undefined })).toBeUndefined();

    const dies = await activeServer((req) => req.socket.destroy());
    const relayed = await forwardRequest({ address: dies, header: 'h' }, { method: 'POST', url: '/v1/auth/approle/login', headers: {}, body: Buffer.from('{}') });
    expect(relayed?.status).toBe(502);
    expect(JSON.parse(relayed?.body?.toString() ?? '')).toEqual({ errors: ['the active server did not answer a forwarded request'] });
  });
});
