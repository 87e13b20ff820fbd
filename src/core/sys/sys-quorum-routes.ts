/**
 * @module What a quorum of unseal-share holders authorises: `sys/generate-root/attempt` (status,
 * start, cancel) and `update`, a new root token (`root-generation.ts`); `sys/rekey/init` (status,
 * start, cancel) and `update`, new unseal shares (`rekey.ts`). Like Vault, these take no token:
 * the shares are the credential, as for `sys/rekey/verify` (the new shares given back, when the
 * rekey asked for it). `sys/rekey/backup` (the PGP-encrypted shares a rekey kept) takes a token
 * with sudo.
 */
import { HushError } from '../../lib/errors.js';
import { defineSysRoutes } from './sys-context.js';
import { boolParam, decodeShare } from './sys-seal-routes.js';
import type { RekeyOptions } from '../rekey.js';

/** A string field, or undefined when absent or empty. */
function optionalString(data: Readonly<Record<string, unknown>>, field: string): string | undefined {
  const value = data[field];
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string') throw new HushError('bad_request', `${field} must be a string`);
  return value;
}

/** The attempt's nonce, which every share must come with. */
function nonceOf(data: Readonly<Record<string, unknown>>): string {
  const nonce = optionalString(data, 'nonce');
  if (nonce === undefined) throw new HushError('bad_request', 'missing required field "nonce"');
  return nonce;
}

/** `sys/rekey/init`'s options: the new configuration, the keys the new shares go to, backup. */
function rekeyOptions(data: Readonly<Record<string, unknown>>): RekeyOptions {
  return {
    shares: Number(data.secret_shares ?? 0),
    threshold: Number(data.secret_threshold ?? 0),
    pgpKeys: data.pgp_keys,
    backup: boolParam(data.backup),
    verify: boolParam(data.require_verification),
  };
}

export const quorumRoutes = defineSysRoutes([
  {
    pattern: /^generate-root\/attempt\/?$/,
    summary: 'The root generation in progress (read), start one (update, with an OTP or none), cancel it (delete).',
    unauthenticated: true,
    operations: {
      read: async ({ services }) => ({ rawBody: await services.rootGeneration().status() }),
      update: async ({ services, data }) => ({
        rawBody: await services.rootGeneration().start({ otp: optionalString(data, 'otp'), pgpKey: data.pgp_key }),
      }),
      delete: async ({ services }) => {
        services.rootGeneration().cancel();
        return { status: 204 };
      },
    },
  },
  {
    pattern: /^generate-root\/update\/?$/,
    summary: "Submit one unseal share to the root generation in progress, with the attempt's nonce.",
    unauthenticated: true,
    operations: {
      update: async ({ services, data }) => ({ rawBody: await services.rootGeneration().update(decodeShare(data.key), nonceOf(data)) }),
    },
  },
  {
    pattern: /^rekey\/init\/?$/,
    summary: 'The rekey in progress (read), start one with secret_shares and secret_threshold (update), cancel it (delete).',
    unauthenticated: true,
    operations: {
      read: async ({ services }) => ({ rawBody: await services.rekey().status() }),
      update: async ({ services, data }) => ({ rawBody: await services.rekey().start(rekeyOptions(data)) }),
      delete: async ({ services }) => {
        services.rekey().cancel();
        return { status: 204 };
      },
    },
  },
  {
    pattern: /^rekey\/update\/?$/,
    summary: "Submit one current unseal share to the rekey in progress, with the attempt's nonce.",
    unauthenticated: true,
    operations: {
      update: async ({ services, data }) => ({ rawBody: await services.rekey().update(decodeShare(data.key), nonceOf(data)) }),
    },
  },
  {
    pattern: /^rekey\/verify\/?$/,
    summary: 'The verification of a rekey with require_verification (read), give back one new share with its nonce (update), start it over (delete).',
    unauthenticated: true,
    operations: {
      read: async ({ services }) => ({ rawBody: services.rekey().verificationStatus() }),
      update: async ({ services, data }) => ({ rawBody: await services.rekey().verify(decodeShare(data.key), nonceOf(data)) }),
      delete: async ({ services }) => ({ rawBody: services.rekey().cancelVerification() }),
    },
  },
  {
    pattern: /^rekey\/backup\/?$/,
    summary: 'The PGP-encrypted shares the last rekey with backup kept (read), or forget them (delete).',
    sudo: true,
    operations: {
      read: async ({ services }) => {
        const backup = await services.rekey().readBackup();
        if (backup === undefined) throw new HushError('bad_request', 'no backed-up keys found');
        return { data: { ...backup } };
      },
      delete: async ({ services }) => {
        await services.rekey().deleteBackup();
        return { status: 204 };
      },
    },
  },
]);
