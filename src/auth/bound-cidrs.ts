/**
 * @module CIDR bindings of tokens (`bound_cidrs`): which client addresses may use a token.
 * A bare address means that single host. IPv4-mapped IPv6 addresses (`::ffff:10.0.0.1`, as
 * Node reports IPv4 clients on a dual-stack socket) match their IPv4 blocks.
 */
import { BlockList, isIP } from 'node:net';
import { badRequest } from '../lib/errors.js';

interface Block {
  readonly address: string;
  readonly prefix: number;
  readonly family: 'ipv4' | 'ipv6';
}

function unmapped(address: string): string {
  const m = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  return m?.[1] ?? address;
}

function parseBlock(text: string): Block | undefined {
  const [rawAddress = '', rawPrefix, extra] = text.trim().split('/');
  if (extra !== undefined) return undefined;
  const address = unmapped(rawAddress);
  const version = isIP(address);
  if (version === 0) return undefined;
  const max = version === 4 ? 32 : 128;
  const prefix = rawPrefix === undefined ? max : /^\d{1,3}$/.test(rawPrefix) ? Number(rawPrefix) : Number.NaN;
  if (!(prefix >= 0 && prefix <= max)) return undefined;
  return { address, prefix, family: version === 4 ? 'ipv4' : 'ipv6' };
}

/** Validates and normalises CIDR blocks (`10.0.0.0/8`, `10.1.2.3` → `10.1.2.3/32`). */
export function parseBoundCidrs(cidrs: readonly string[]): string[] {
  return cidrs
    .filter((c) => c.trim() !== '')
    .map((c) => {
      const block = parseBlock(c);
      if (!block) throw badRequest(`invalid CIDR block in bound_cidrs: ${JSON.stringify(c.slice(0, 64))}`);
      return `${block.address}/${block.prefix}`;
    });
}

/** Whether `remoteAddress` may use a token bound to `boundCidrs` (empty: anywhere). */
export function isAddressAllowed(boundCidrs: readonly string[], remoteAddress: string): boolean {
  if (boundCidrs.length === 0) return true;
  const address = unmapped(remoteAddress);
  const version = isIP(address);
  if (version === 0) return false;
  const list = new BlockList();
  for (const cidr of boundCidrs) {
    const block = parseBlock(cidr);
    if (block) list.addSubnet(block.address, block.prefix, block.family);
  }
  return list.check(address, version === 4 ? 'ipv4' : 'ipv6');
}
