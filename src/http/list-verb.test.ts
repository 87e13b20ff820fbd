import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createDevTls } from './dev-tls.js';
import { createHttpServer } from './http-server.js';
import { installListVerb } from './list-verb-connection.js';
import type { HttpServer } from './http-server.js';
import { RawConnection, echoHandler, echoed } from './testing/raw-http-client.js';

const H = 'Host: test\r\n';

describe('the LIST verb on raw sockets', () => {
  let server: HttpServer;
  let port: number;
  const open: RawConnection[] = [];
  const connect = async () => {
    const c = await RawConnection.open(port);
    open.push(c);
    return c;
  };

  beforeAll(async () => {
    server = await createHttpServer({ handler: echoHandler() });
    port = Number(new URL((await server.listen('127.0.0.1', 0)).address).port);
  });
  afterEach(() => {
    for (const c of open.splice(0)) c.destroy();
  });
  afterAll(async () => {
    await server.close();
  });

  it('serves a single LIST as a list operation on the folder', async () => {
    const c = await connect();
    await c.write(`LIST /v1/secret/metadata/app HTTP/1.1\r\n${H}\r\n`);
    const [res] = await c.responses(1);
    expect(res?.status).toBe(200);
    expect(res?.headers['content-type']).toBe('application/json');
    expect(echoed(res)).toEqual({ operation: 'list', path: 'secret/metadata/app/' });
  });

  it('keeps the query of a LIST and ignores its body', async () => {
    const c = await connect();
    const body = '{"a":"LIST"}';
    await c.write(`LIST /v1/kv/x?after=b HTTP/1.1\r\n${H}Content-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}`);
    await c.write(`GET /v1/after-body HTTP/1.1\r\n${H}\r\n`);
    const [list, get] = await c.responses(2);
    expect(echoed(list)).toEqual({ operation: 'list', path: 'kv/x/' });
    expect((JSON.parse(list?.body ?? '{}') as { data: { query: unknown } }).data.query).toEqual({ list: 'true', after: 'b' });
    expect(echoed(get)).toEqual({ operation: 'read', path: 'after-body' });
  });

  it('rewrites every LIST on a keep-alive connection: GET, LIST, GET, LIST', async () => {
    const c = await connect();
    const paths = ['a', 'b', 'c', 'd'];
    const methods = ['GET', 'LIST', 'GET', 'LIST'];
    for (let i = 0; i < 4; i++) {
      await c.write(`${methods[i]} /v1/${paths[i]} HTTP/1.1\r\n${H}\r\n`);
      const all = await c.responses(i + 1);
      expect(all[i]?.status).toBe(200);
    }
    const all = await c.responses(4);
    expect(all.map(echoed)).toEqual([
      { operation: 'read', path: 'a' },
      { operation: 'list', path: 'b/' },
      { operation: 'read', path: 'c' },
      { operation: 'list', path: 'd/' },
    ]);
    expect(c.closed).toBe(false);
  });

  it('answers pipelined requests in one write in order, LISTs and bodies included', async () => {
    const c = await connect();
    const body = '{"k":"v"}';
    await c.write(
      `GET /v1/slow-1 HTTP/1.1\r\n${H}\r\n` +
        `LIST /v1/l1 HTTP/1.1\r\n${H}\r\n` +
        `PUT /v1/w HTTP/1.1\r\n${H}Content-Length: ${body.length}\r\n\r\n${body}` +
        `LIST /v1/slow-l2?x=1 HTTP/1.1\r\n${H}\r\n` +
        `LIST /v1/l3 HTTP/1.1\r\n${H}\r\n` +
        `GET /v1/last HTTP/1.1\r\n${H}\r\n`,
    );
    const all = await c.responses(6);
    expect(all.map(echoed)).toEqual([
      { operation: 'read', path: 'slow-1' },
      { operation: 'list', path: 'l1/' },
      { operation: 'update', path: 'w' },
      { operation: 'list', path: 'slow-l2/' },
      { operation: 'list', path: 'l3/' },
      { operation: 'read', path: 'last' },
    ]);
    expect((JSON.parse(all[2]?.body ?? '{}') as { data: { body: unknown } }).data.body).toEqual({ k: 'v' });
  });

  it('handles a LIST split across TCP writes, at every byte of the request line', async () => {
    const request = `LIST /v1/split/here HTTP/1.1\r\n${H}\r\n`;
    for (const at of [1, 2, 3, 4, 5, 10, request.indexOf('\r\n'), request.length - 1]) {
      const c = await connect();
      await c.write(`GET /v1/first HTTP/1.1\r\n${H}\r\n${request.slice(0, at)}`);
      await new Promise((r) => setTimeout(r, 15));
      await c.write(request.slice(at));
      const all = await c.responses(2);
      expect(all.map(echoed), `split at ${at}`).toEqual([
        { operation: 'read', path: 'first' },
        { operation: 'list', path: 'split/here/' },
      ]);
    }
  });

  it('handles LIST as the first bytes of a connection split after "L"', async () => {
    const c = await connect();
    await c.write('L');
    await new Promise((r) => setTimeout(r, 15));
    await c.write(`IST /v1/x HTTP/1.1\r\n${H}\r\n`);
    expect((await c.responses(1)).map(echoed)).toEqual([{ operation: 'list', path: 'x/' }]);
  });

  it('gives a bogus method a clean 405 and closes, after answering what came before', async () => {
    const c = await connect();
    await c.write(`GET /v1/slow-before HTTP/1.1\r\n${H}\r\nFOO /v1/x HTTP/1.1\r\n${H}\r\n`);
    const all = await c.responses(2);
    expect(echoed(all[0])).toEqual({ operation: 'read', path: 'slow-before' });
    expect(all[1]?.status).toBe(405);
    expect(all[1]?.headers['content-type']).toBe('application/json');
    expect(JSON.parse(all[1]?.body ?? '')).toEqual({ errors: ['unsupported HTTP method'] });
    expect(await c.closedByServer()).toBe(true);
  });

  it('gives LISTEN (a near miss) 405 and garbage 400', async () => {
    const near = await connect();
    await near.write(`LISTEN /v1/x HTTP/1.1\r\n${H}\r\n`);
    expect((await near.responses(1))[0]?.status).toBe(405);
    const junk = await connect();
    await junk.write(Buffer.from([0x16, 0x03, 0x01, 0x00, 0x10, 0x0d, 0x0a, 0x0d, 0x0a]));
    const [res] = await junk.responses(1);
    expect(res?.status).toBe(400);
    expect(JSON.parse(res?.body ?? '')).toEqual({ errors: ['malformed HTTP request'] });
  });

  it('refuses a LIST request line longer than the header limit', async () => {
    const c = await connect();
    await c.write(`LIST /v1/${'a'.repeat(20_000)} HTTP/1.1\r\n${H}\r\n`);
    expect((await c.responses(1))[0]?.status).toBe(414);
  });

  it('closes after a LIST when the client asked for Connection: close', async () => {
    const c = await connect();
    await c.write(`LIST /v1/bye HTTP/1.1\r\n${H}Connection: close\r\n\r\n`);
    expect((await c.responses(1)).map(echoed)).toEqual([{ operation: 'list', path: 'bye/' }]);
    expect(await c.closedByServer()).toBe(true);
  });

  it('closes the connection when the client half-closes after a LIST', async () => {
    const c = await connect();
    await c.write(`GET /v1/a HTTP/1.1\r\n${H}\r\nLIST /v1/b HTTP/1.1\r\n${H}\r\n`);
    c.end();
    expect(await c.closedByServer()).toBe(true);
  });

  it('answers fifty pipelined LISTs in one write, in order', async () => {
    const c = await connect();
    let batch = '';
    for (let i = 0; i < 50; i++) batch += `${i % 2 === 0 ? 'LIST' : 'GET'} /v1/n${i} HTTP/1.1\r\n${H}\r\n`;
    await c.write(batch);
    const all = await c.responses(50);
    expect(all.map(echoed)).toEqual(
      Array.from({ length: 50 }, (_, i) => (i % 2 === 0 ? { operation: 'list', path: `n${i}/` } : { operation: 'read', path: `n${i}` })),
    );
  });

  it('answers a bogus method after a pipelined LIST only after the LIST', async () => {
    const c = await connect();
    await c.write(`LIST /v1/slow-x HTTP/1.1\r\n${H}\r\nBREW /v1/pot HTTP/1.1\r\n${H}\r\n`);
    const all = await c.responses(2);
    expect(echoed(all[0])).toEqual({ operation: 'list', path: 'slow-x/' });
    expect(all[1]?.status).toBe(405);
    expect(await c.closedByServer()).toBe(true);
  });

  it('carries large bodies and survives backpressure from a client that reads late', async () => {
    const c = await connect();
    const body = JSON.stringify({ blob: 'x'.repeat(64 * 1024) });
    let batch = '';
    for (let i = 0; i < 40; i++) {
      batch +=
        i % 2 === 0
          ? `PUT /v1/big${i} HTTP/1.1\r\n${H}Content-Length: ${body.length}\r\n\r\n${body}`
          : `LIST /v1/l${i} HTTP/1.1\r\n${H}Content-Length: ${body.length}\r\n\r\n${body}`;
    }
    c.pause();
    const written = c.write(batch);
    await new Promise((r) => setTimeout(r, 300));
    c.resume();
    await written;
    const all = await c.responses(40, 15_000);
    expect(all.map((r) => echoed(r).operation)).toEqual(Array.from({ length: 40 }, (_, i) => (i % 2 === 0 ? 'update' : 'list')));
    expect(echoed(all[39])).toEqual({ operation: 'list', path: 'l39/' });
  });

  it('survives random TCP segmentation of mixed pipelined requests (seeded)', async () => {
    let seed = 20261123;
    const random = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    for (let round = 0; round < 12; round++) {
      const expected: Array<{ operation: string; path: string }> = [];
      let stream = '';
      for (let i = 0; i < 8; i++) {
        const kind = random(4);
        const path = `r${round}/q${i}`;
        const body = JSON.stringify({ n: 'LIST '.repeat(random(5)) });
        if (kind === 0) {
          stream += `LIST /v1/${path} HTTP/1.1\r\n${H}\r\n`;
          expected.push({ operation: 'list', path: `${path}/` });
        } else if (kind === 1) {
          stream += `LIST /v1/${path}?a=b HTTP/1.1\r\n${H}Content-Length: ${body.length}\r\n\r\n${body}`;
          expected.push({ operation: 'list', path: `${path}/` });
        } else if (kind === 2) {
          stream += `POST /v1/${path} HTTP/1.1\r\n${H}Content-Length: ${body.length}\r\n\r\n${body}`;
          expected.push({ operation: 'update', path });
        } else {
          stream += `GET /v1/${path} HTTP/1.1\r\n${H}\r\n`;
          expected.push({ operation: 'read', path });
        }
      }
      const c = await connect();
      for (let at = 0; at < stream.length; ) {
        const size = 1 + random(40);
        await c.write(stream.slice(at, at + size));
        if (random(3) === 0) await new Promise((r) => setTimeout(r, 2));
        at += size;
      }
      const all = await c.responses(expected.length);
      expect(all.map(echoed), `round ${round}`).toEqual(expected);
      c.destroy();
    }
  });

  it('answers oversized headers with 431 in Vault\'s shape after the response before it', async () => {
    const c = await connect();
    await c.write(`GET /v1/slow-first HTTP/1.1\r\n${H}\r\nGET /v1/big HTTP/1.1\r\n${H}X-Big: ${'b'.repeat(20_000)}\r\n\r\n`);
    const all = await c.responses(2);
    expect(echoed(all[0])).toEqual({ operation: 'read', path: 'slow-first' });
    expect(all[1]?.status).toBe(431);
    expect(JSON.parse(all[1]?.body ?? '')).toEqual({ errors: ['request header fields too large'] });
    expect(await c.closedByServer()).toBe(true);
  });

  it('cuts a connection whose parser fails inside a request body, answering nothing for it', async () => {
    const c = await connect();
    await c.write(`GET /v1/before HTTP/1.1\r\n${H}\r\n`);
    expect((await c.responses(1)).map(echoed)).toEqual([{ operation: 'read', path: 'before' }]);
    await c.write(`POST /v1/chunked HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\n\r\nzz\r\n`);
    expect(await c.closedByServer()).toBe(true);
    expect(await c.responses(1)).toHaveLength(1);
  });

  it('leaves no connection behind', async () => {
    for (const c of open.splice(0)) c.destroy();
    const connections = () => new Promise<number>((resolve) => server.server.getConnections((_e, n) => resolve(n)));
    const deadline = Date.now() + 3000;
    while ((await connections()) > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(await connections()).toBe(0);
  });
});

describe('connections served directly until a parser refuses', () => {
  it('takes a connection over at its first LIST only, and keeps serving it', async () => {
    const server = http.createServer((_req, res) => res.end('ok'));
    const support = installListVerb(server, 'connection', http.maxHeaderSize);
    server.on('clientError', (err, socket) => support.onClientError(err, socket));
    server.prependListener('request', (req, res) => support.trackRequest(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    const c = await RawConnection.open(port);
    try {
      await c.write(`GET /v1/a HTTP/1.1\r\n${H}\r\nGET /v1/b HTTP/1.1\r\n${H}\r\n`);
      expect((await c.responses(2)).map((r) => r.status)).toEqual([200, 200]);
      expect(support.connectionCount).toBe(0);
      await c.write(`LIST /v1/c HTTP/1.1\r\n${H}\r\nGET /v1/d HTTP/1.1\r\n${H}\r\n`);
      expect((await c.responses(4)).map((r) => r.status)).toEqual([200, 200, 200, 200]);
      expect(support.connectionCount).toBe(1);
      expect(c.closed).toBe(false);
    } finally {
      c.destroy();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

describe('keep-alive timeout through virtual sockets', () => {
  it('closes an idle connection after a LIST once the keep-alive timeout passes', async () => {
    const server = await createHttpServer({ handler: echoHandler() });
    server.server.keepAliveTimeout = 50; // Node adds a one-second buffer
    const port = Number(new URL((await server.listen('127.0.0.1', 0)).address).port);
    const c = await RawConnection.open(port);
    try {
      await c.write(`GET /v1/a HTTP/1.1\r\n${H}\r\nLIST /v1/b HTTP/1.1\r\n${H}\r\n`);
      expect((await c.responses(2)).map(echoed)).toEqual([
        { operation: 'read', path: 'a' },
        { operation: 'list', path: 'b/' },
      ]);
      expect(await c.closedByServer(4000)).toBe(true);
    } finally {
      c.destroy();
      await server.close();
    }
  });
});

describe('the LIST verb over TLS', () => {
  let dir: string;
  let server: HttpServer;
  let port: number;
  let ca: Buffer;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hush-http-list-tls-'));
    const files = await createDevTls(dir);
    ca = await readFile(files.caFile);
    server = await createHttpServer({ handler: echoHandler(), tls: { certFile: files.certFile, keyFile: files.keyFile } });
    port = Number(new URL((await server.listen('127.0.0.1', 0)).address).port);
  });
  afterAll(async () => {
    await server.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('serves GET, LIST, GET, LIST on one TLS connection, pipelined and split', async () => {
    const c = await RawConnection.open(port, { tls: { ca } });
    try {
      await c.write(`GET /v1/a HTTP/1.1\r\n${H}\r\nLIST /v1/b HTTP/1.1\r\n${H}\r\nGET /v1/c HTTP/1.1\r\n${H}\r\nLI`);
      await new Promise((r) => setTimeout(r, 15));
      await c.write(`ST /v1/d HTTP/1.1\r\n${H}\r\n`);
      const all = await c.responses(4);
      expect(all.map(echoed)).toEqual([
        { operation: 'read', path: 'a' },
        { operation: 'list', path: 'b/' },
        { operation: 'read', path: 'c' },
        { operation: 'list', path: 'd/' },
      ]);
    } finally {
      c.destroy();
    }
  });
});
