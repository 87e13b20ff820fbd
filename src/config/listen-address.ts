/**
 * @module The `host:port` listen address, in a module of its own so that `hush server --dev`
 * does not load the configuration file's schema library.
 */
import { HushError } from '../lib/errors.js';

/** Splits `host:port` (IPv6 as `[::1]:8200`). */
export function parseListenAddress(address: string): { host: string; port: number } {
  const m = /^(?:\[(?<v6>[^\]]+)\]|(?<host>[^:]*)):(?<port>\d{1,5})$/.exec(address.trim());
  const port = Number(m?.groups?.port);
  if (!m || port > 65535) throw new HushError('bad_request', `invalid listen address "${address}": expected host:port`);
  return { host: m.groups!.v6 ?? (m.groups!.host || '127.0.0.1'), port };
}
