/**
 * @module A TCP proxy on a free loopback port that can be cut off like a network partition that
 * drops packets: while frozen, nothing it receives goes on (data, ends and resets alike), and
 * neither side notices; once thawed, what it held goes on in order, as TCP delivers after a
 * partition heals. New connections while frozen are accepted and held the same way.
 */
import net from 'node:net';

export interface PartitionProxy {
  readonly port: number;
  freeze(): void;
  thaw(): void;
  close(): Promise<void>;
}

export async function startPartitionProxy(target: { hostname: string; port: string }): Promise<PartitionProxy> {
  let frozen = false;
  const held: (() => void)[] = [];
  const sockets = new Set<net.Socket>();
  const pass = (action: () => void) => (frozen ? held.push(action) : action());
  const server = net.createServer((client) => {
    const upstream = net.connect(Number(target.port), target.hostname);
    for (const [from, to] of [
      [client, upstream],
      [upstream, client],
    ] as const) {
      sockets.add(from);
      from.on('data', (chunk) => pass(() => !to.destroyed && to.write(chunk)));
      from.on('end', () => pass(() => !to.destroyed && to.end()));
      from.on('error', () => undefined);
      from.on('close', () => {
        sockets.delete(from);
        pass(() => to.destroy());
      });
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  return {
    port,
    freeze() {
      frozen = true;
    },
    thaw() {
      frozen = false;
      for (const action of held.splice(0)) action();
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
