/**
 * @module What a quorum of unseal-share holders authorises: `sys/generate-root/attempt` (status,
 * start, cancel) and `update`, a new root token (`root-generation.ts`); `sys/rekey/init` (status,
 * start, cancel) and `update`, new unseal shares (`rekey.ts`). Like Vault, these take no token:
 * the shares are the credential.
 */
import { HushError } from '../../lib/errors.js';
import { defineSysRoutes } from './sys-context.js';
import { decodeShare } from './sys-seal-routes.js';

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

/** Vault's rekey options Hush does not offer must be absent or off. */
function refuseUnsupportedRekeyOptions(data: Readonly<Record<string, unknown>>): void {
  const pgpKeys = data.pgp_keys;
  if (Array.isArray(pgpKeys) ? pgpKeys.length > 0 : pgpKeys !== undefined && pgpKeys !== null && pgpKeys !== '') {
    throw new HushError('bad_request', 'pgp_keys is not supported: the new shares are returned as they are');
  }
  for (const option of ['backup', 'require_verification']) {
    if (data[option] === true || data[option] === 'true') throw new HushError('bad_request', `${option} is not supported`);
  }
}

export const quorumRoutes = defineSysRoutes([
  {
    pattern: /^generate-root\/attempt\/?$/,
    summary: 'The root generation in progress (read), start one (update, with an OTP or none), cancel it (delete).',
    unauthenticated: true,
    operations: {
      read: async ({ services }) => ({ rawBody: await services.rootGeneration().status() }),
      update: async ({ services, data }) => ({
        rawBody: await services.rootGeneration().start({ otp: optionalString(data, 'otp'), pgpKey: optionalString(data, 'pgp_key') }),
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
      update: async ({ services, data }) => {
        refuseUnsupportedRekeyOptions(data);
        return { rawBody: await services.rekey().start({ shares: Number(data.secret_shares ?? 0), threshold: Number(data.secret_threshold ?? 0) }) };
      },
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
]);
