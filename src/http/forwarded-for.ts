/**
 * @module The client's address behind a load balancer (Vault's listener options
 * `x_forwarded_for_authorized_addrs`, `x_forwarded_for_hop_skips`,
 * `x_forwarded_for_reject_not_authorized`, `x_forwarded_for_reject_not_present`).
 *
 * Only a connection from an authorized address (the load balancer's) may name the client in
 * `X-Forwarded-For`; the client is the last hop of the header, or the one `hopSkips` before it
 * when more proxies append themselves after the one that saw the client. From anywhere else the
 * header is ignored (or the request refused, when asked), so a client cannot pass for another
 * address: token CIDR bindings, lockouts and the audit log rely on it. As in Vault's code, both
 * reject options default to false.
 */
import { isIP } from 'node:net';
import { isAddressAllowed } from '../auth/bound-cidrs.js';
import { HushError, badRequest } from '../lib/errors.js';

export interface ForwardedForSettings {
  /** CIDR blocks whose `X-Forwarded-For` is trusted (normalised); the feature is on when given. */
  readonly authorized: readonly string[];
  /** Hops skipped from the end of the header (proxies after the one that saw the client). */
  readonly hopSkips: number;
  /** Refuse a request carrying the header from an address not authorized (default: ignore it). */
  readonly rejectNotAuthorized: boolean;
  /** Refuse a request from an authorized address without the header (default: use the address). */
  readonly rejectNotPresent: boolean;
}

/** The address to treat as the client's; throws `permission_denied` or `bad_request` when the
 * settings say to refuse the request. */
export function clientAddress(socketAddress: string, header: string | readonly string[] | undefined, settings: ForwardedForSettings): string {
  const hops = (typeof header === 'string' ? [header] : (header ?? []))
    .flatMap((value) => value.split(','))
    .map((hop) => hop.trim())
    .filter((hop) => hop !== '');
  const trusted = isAddressAllowed(settings.authorized, socketAddress);
  if (hops.length === 0) {
    if (trusted && settings.rejectNotPresent) {
      throw new HushError('permission_denied', 'missing x-forwarded-for header and configured to reject when not present');
    }
    return socketAddress;
  }
  if (!trusted) {
    if (settings.rejectNotAuthorized) {
      throw new HushError('permission_denied', 'client address not authorized for x-forwarded-for and configured to reject connection');
    }
    return socketAddress;
  }
  const index = hops.length - 1 - settings.hopSkips;
  if (index < 0) throw badRequest('malformed x-forwarded-for configuration or request, hops to skip would skip before earliest chain link');
  const client = withoutPort(hops[index] as string);
  if (isIP(client) === 0) throw badRequest('malformed x-forwarded-for header: the client hop is not an IP address');
  return client;
}

/** `1.2.3.4:5678` → `1.2.3.4`, `[2001:db8::1]:443` → `2001:db8::1` (some proxies add the port). */
function withoutPort(hop: string): string {
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(hop);
  if (bracketed) return bracketed[1] as string;
  const v4 = /^(\d+\.\d+\.\d+\.\d+):\d+$/.exec(hop);
  return v4 ? (v4[1] as string) : hop;
}
