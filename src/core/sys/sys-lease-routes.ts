/**
 * @module `sys/leases/*` (and Vault's older `sys/renew`, `sys/revoke`, `sys/revoke-prefix`,
 * `sys/revoke-force`): look up, list and revoke leases, which in Hush are the leases of service
 * tokens (`leases/token-leases.ts`). Listing and the prefix revocations need `sudo`, as in Vault.
 * Renewing a token goes through `auth/token/renew*`, as Vault requires.
 */
import { badRequest, notFound } from '../../lib/errors.js';
import { findTokenLease, leaseView, listTokenLeaseKeys, revokeTokenLeases } from '../../leases/token-leases.js';
import type { CoreResponse } from '../request.js';
import { defineSysRoutes } from './sys-context.js';
import type { SysHandler, SysRequest } from './sys-context.js';

const NO_CONTENT: CoreResponse = { status: 204 };

/** The lease ID from the path (the older form) or the body's `lease_id`. */
function leaseIdOf(req: SysRequest, params: Readonly<Record<string, string>>): string {
  const id = params.lease ?? req.data.lease_id;
  if (typeof id !== 'string' || id === '') throw badRequest('lease_id must be specified');
  return id;
}

const lookup: SysHandler = async (req, params) => {
  const store = req.services.tokens();
  const entry = await findTokenLease(store, leaseIdOf(req, params));
  if (!entry) throw badRequest('invalid lease');
  return { data: { ...leaseView(store, entry) } };
};

const list: SysHandler = async (req, params) => {
  const keys = await listTokenLeaseKeys(req.services.tokens(), params.prefix ?? '');
  if (keys.length === 0) throw notFound();
  return { data: { keys } };
};

const renew: SysHandler = async (req, params) => {
  const entry = await findTokenLease(req.services.tokens(), leaseIdOf(req, params));
  if (entry) throw badRequest('tokens cannot be renewed through this endpoint: use auth/token/renew');
  throw badRequest('lease not found');
};

/** Revoking a lease that does not exist (any more) succeeds, as in Vault. */
const revoke: SysHandler = async (req, params) => {
  const store = req.services.tokens();
  const entry = await findTokenLease(store, leaseIdOf(req, params));
  if (entry) await store.revoke(entry);
  return NO_CONTENT;
};

/** `revoke-force` is the same: token revocation has no backend whose errors it could ignore. */
const revokePrefix: SysHandler = async (req, params) => {
  await revokeTokenLeases(req.services.tokens(), params.prefix ?? '');
  return NO_CONTENT;
};

const tidy: SysHandler = async (req) => {
  const invalid = await req.services.sweeper().sweepTokens();
  return { status: 202, warnings: [`Tidy operation finished: ${invalid} expired or invalid token lease(s) removed.`] };
};

export const leaseRoutes = defineSysRoutes([
  {
    pattern: /^leases\/lookup\/?$/,
    summary: "A lease's issue time, expiry and TTL (update with lease_id); the top-level lease prefixes (list, sudo).",
    sudo: ['list'],
    operations: { update: lookup, list },
  },
  {
    pattern: /^leases\/lookup\/(?<prefix>.+)$/,
    summary: 'The lease IDs and prefixes one level below a prefix.',
    sudo: true,
    operations: { list },
  },
  {
    pattern: /^(?:leases\/)?renew(?:\/(?<lease>.+))?$/,
    summary: 'Renew a lease (token leases renew through auth/token/renew).',
    operations: { update: renew },
  },
  {
    pattern: /^(?:leases\/)?revoke(?:\/(?<lease>.+))?$/,
    summary: 'Revoke a lease now (a token lease: the token and its children).',
    operations: { update: revoke },
  },
  {
    pattern: /^(?:leases\/)?revoke-(?:prefix|force)\/(?<prefix>.+)$/,
    summary: 'Revoke every lease under a prefix, e.g. every token an auth mount issued (auth/approle/).',
    sudo: true,
    operations: { update: revokePrefix },
  },
  {
    pattern: /^leases\/tidy\/?$/,
    summary: 'Remove expired and invalid token leases from storage now.',
    operations: { update: tidy },
  },
]);
