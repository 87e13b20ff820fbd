import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import https from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import tls from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDevTls } from './dev-tls.js';
import type { DevTlsFiles } from './dev-tls.js';
import { createHttpServer } from './http-server.js';
import type { HttpServer } from './http-server.js';
import { echoHandler } from './testing/raw-http-client.js';

function get(url: string, ca?: Buffer): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = https.get(url, { ...(ca === undefined ? {} : { ca }), agent: false }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
  });
}

describe('createDevTls', () => {
  let dir: string;
  let files: DevTlsFiles;
  let server: HttpServer;
  let port: number;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hush-dev-tls-'));
    files = await createDevTls(join(dir, 'tls'));
    server = await createHttpServer({ handler: echoHandler(), tls: { certFile: files.certFile, keyFile: files.keyFile } });
    port = Number(new URL((await server.listen('127.0.0.1', 0)).address).port);
  });
  afterAll(async () => {
    await server.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('writes PEM files with the private key readable by the owner only', async () => {
    expect((await readFile(files.caFile, 'utf8')).startsWith('-----BEGIN CERTIFICATE-----')).toBe(true);
    expect((await readFile(files.certFile, 'utf8')).startsWith('-----BEGIN CERTIFICATE-----')).toBe(true);
    expect((await readFile(files.keyFile, 'utf8')).startsWith('-----BEGIN PRIVATE KEY-----')).toBe(true);
    expect((await stat(files.keyFile)).mode & 0o777).toBe(0o600);
  });

  it('reuses valid files on a second call', async () => {
    const before = await readFile(files.certFile, 'utf8');
    const again = await createDevTls(join(dir, 'tls'));
    expect(again).toEqual(files);
    expect(await readFile(files.certFile, 'utf8')).toBe(before);
  });

  it('makes new files when they do not belong together', async () => {
    const other = await createDevTls(join(dir, 'other'));
    const { copyFile } = await import('node:fs/promises');
    const mixedDir = join(dir, 'mixed');
    const mixed = await createDevTls(mixedDir);
    const original = await readFile(mixed.certFile, 'utf8');
    await copyFile(other.caFile, mixed.caFile); // a CA that did not sign the certificate
    await createDevTls(mixedDir);
    expect(await readFile(mixed.certFile, 'utf8')).not.toBe(original);
  });

  it('serves https to a client that trusts the CA, by IP and by name', async () => {
    const ca = await readFile(files.caFile);
    expect(await get(`https://127.0.0.1:${port}/v1/sys/health`, ca)).toBe(200);
    expect(await get(`https://localhost:${port}/v1/sys/health`, ca)).toBe(200);
  });

  it('is refused by a client that does not trust the CA', async () => {
    await expect(get(`https://127.0.0.1:${port}/v1/sys/health`)).rejects.toThrow(/self.signed|unable to verify|certificate/i);
  });

  it('refuses TLS 1.1 (the server answers with a protocol-version alert) and accepts 1.2', async () => {
    const ca = await readFile(files.caFile);
    const outcome = await new Promise<string>((resolve) => {
      // SECLEVEL=0 lets this client offer TLS 1.1 at all, so the refusal is the server's.
      const socket = tls.connect({
        port,
        host: '127.0.0.1',
        ca,
        minVersion: 'TLSv1.1',
        maxVersion: 'TLSv1.1',
        ciphers: 'DEFAULT@SECLEVEL=0',
        servername: 'localhost',
      });
      socket.once('secureConnect', () => {
        socket.destroy();
        resolve('connected');
      });
      socket.once('error', (err) => resolve(`refused: ${err.message}`));
    });
    expect(outcome).toMatch(/^refused: .*alert protocol version/);
    const tls12 = await new Promise<string>((resolve) => {
      const socket = tls.connect({ port, host: '127.0.0.1', ca, maxVersion: 'TLSv1.2', servername: 'localhost' });
      socket.once('secureConnect', () => {
        resolve(String(socket.getProtocol()));
        socket.destroy();
      });
      socket.once('error', (err) => resolve(err.message));
    });
    expect(tls12).toBe('TLSv1.2');
  });

  it('refuses TLS 1.2 when the listener asks for 1.3 at least (tls_min_version = "tls13")', async () => {
    const strict = await createHttpServer({ handler: echoHandler(), tls: { certFile: files.certFile, keyFile: files.keyFile, minVersion: 'TLSv1.3' } });
    const strictPort = Number(new URL((await strict.listen('127.0.0.1', 0)).address).port);
    const ca = await readFile(files.caFile);
    const attempt = (maxVersion: 'TLSv1.2' | 'TLSv1.3') =>
      new Promise<string>((resolve) => {
        const socket = tls.connect({ port: strictPort, host: '127.0.0.1', ca, maxVersion, servername: 'localhost' });
        socket.once('secureConnect', () => {
          resolve(String(socket.getProtocol()));
          socket.destroy();
        });
        socket.once('error', (err) => resolve(`refused: ${err.message}`));
      });
    try {
      expect(await attempt('TLSv1.2')).toMatch(/^refused: .*alert protocol version/);
      expect(await attempt('TLSv1.3')).toBe('TLSv1.3');
    } finally {
      await strict.close();
    }
  });
});
