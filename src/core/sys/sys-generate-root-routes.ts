/**
 * @module `sys/generate-root/attempt` (status, start, cancel) and `sys/generate-root/update`:
 * a new root token from a quorum of unseal-share holders (`root-generation.ts`). Like Vault, these
 * take no token: the shares are the credential.
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

export const generateRootRoutes = defineSysRoutes([
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
      update: async ({ services, data }) => {
        const nonce = optionalString(data, 'nonce');
        if (nonce === undefined) throw new HushError('bad_request', 'missing required field "nonce"');
        return { rawBody: await services.rootGeneration().update(decodeShare(data.key), nonce) };
      },
    },
  },
]);
