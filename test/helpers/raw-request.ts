/**
 * @module An HTTP request from a chosen local address on loopback (127.0.0.2 …), which fetch
 * cannot pick: for tests of what the server takes the client's address to be.
 */
import http from 'node:http';

/** Status and body text of `method` on `/v1/<path>` at `address`, sent from `localAddress`. */
export function rawRequest(
  address: string,
  method: string,
  path: string,
  headers: Record<string, string>,
  localAddress = '127.0.0.1',
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(`${address}/v1/${path}`, { method, headers, localAddress }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}
