import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createDevTls } from '../http/dev-tls.js';
import { ApiError, ConnectionError, HushClient } from './hush-client.js';

const servers: Server[] = [];

async function serve(handler: (req: IncomingMessage, res: ServerResponse, body: string) => void): Promise<string> {
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => handler(req, res, body));
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as { port: number }).port}`;
}

afterEach(async () => {
  for (const server of servers.splice(0)) await new Promise((resolve) => server.close(resolve));
});

describe('HushClient redirects (an HA standby naming the active server)', () => {
  it('sends the request again, method, body and token, to the Location of a 307', async () => {
    const active = await serve((req, res, body) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ data: { method: req.method, url: req.url, token: req.headers['x-vault-token'], body: JSON.parse(body) } }));
    });
    const standby = await serve((req, res) => {
      res.writeHead(307, { location: `${active}${req.url}` });
      res.end();
    });
    const client = new HushClient({ address: standby, token: 'hvs.test-token' });
    try {
      const res = await client.write<{ data: Record<string, unknown> }>('secret/data/app', { data: { k: 'v' } });
      expect(res.body?.data).toEqual({ method: 'PUT', url: '/v1/secret/data/app', token: 'hvs.test-token', body: { data: { k: 'v' } } });
    } finally {
      client.close();
    }
  });

  it('gives up after three redirects, and never follows one from https to http', async () => {
    let hops = 0;
    const loop: string = await serve((req, res) => {
      hops++;
      res.writeHead(307, { location: `${loop}${req.url}` });
      res.end();
    });
    const client = new HushClient({ address: loop });
    try {
      await expect(client.read('sys/x')).rejects.toBeInstanceOf(ApiError);
      expect(hops).toBe(4);
    } finally {
      client.close();
    }
    // https → http: refused before anything is sent to the plain-text address
    let plainHits = 0;
    const plain = await serve((_req, res) => {
      plainHits++;
      res.end('{}');
    });
    const dir = await mkdtemp(join(tmpdir(), 'hush-client-tls-'));
    const tls = await createDevTls(dir);
    const secure = createHttpsServer({ cert: await readFile(tls.certFile), key: await readFile(tls.keyFile) }, (req, res) => {
      res.writeHead(307, { location: `${plain}${req.url}` });
      res.end();
    });
    servers.push(secure);
    await new Promise<void>((resolve) => secure.listen(0, '127.0.0.1', resolve));
    const viaTls = new HushClient({ address: `https://127.0.0.1:${(secure.address() as { port: number }).port}`, caCertFile: tls.caFile, token: 'hvs.secret' });
    try {
      const refused = await viaTls.read('sys/x').catch((err: unknown) => err);
      expect(refused).toBeInstanceOf(ConnectionError);
      expect((refused as Error).message).toContain('without TLS: refused');
      expect(plainHits).toBe(0);
    } finally {
      viaTls.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
