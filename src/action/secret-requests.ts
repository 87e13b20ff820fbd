/**
 * @module The `secrets` input: which secrets to fetch and under which names to export them.
 * Entries are separated by `;` or line breaks; blank entries and lines starting with `#` are
 * skipped. Two spellings, so that workflows move over from hashicorp/vault-action unchanged:
 *
 * - vault-action's: `API_PATH KEY [| NAME]`, the API path as a policy names it
 *   (`secret/data/ci/aws accessKey | AWS_ACCESS_KEY_ID`); `API_PATH * [| PREFIX]` exports every key
 *   upper-cased, `**` keeps the keys' case. Keys are plain names (vault-action's JSONata
 *   selectors are not supported).
 * - Hush's references: `hush://MOUNT/PATH[?version=N]#KEY [| NAME]`, the path as `hush kv get`
 *   takes it (KV v1 or v2 found out from the mount).
 *
 * Without `| NAME`, names follow vault-action: `.` becomes `__`, characters other than letters,
 * digits, `_` and `-` are dropped; the environment variable is that name upper-cased, the step
 * output keeps the key's case.
 */
import { isHushError } from '../lib/errors.js';
import { ActionError } from './action-error.js';
import { isReference, parseReference } from '../run/secret-reference.js';

/** Where a secret is read from. */
export type SecretLocation =
  /** A raw API path (`secret/data/ci/aws`), read with one GET as vault-action does. */
  | { readonly kind: 'api'; readonly path: string }
  /** A `hush://` reference's logical path (`secret/ci/aws`), read through the KV source. */
  | { readonly kind: 'reference'; readonly path: string; readonly version?: number };

export type SecretSelector =
  | { readonly kind: 'key'; readonly key: string }
  /** Every key; `upperCase` for `*`, not for `**`. */
  | { readonly kind: 'all'; readonly upperCase: boolean };

export interface SecretRequest {
  /** The entry as written, for error messages (it names a secret, it holds none). */
  readonly entry: string;
  readonly location: SecretLocation;
  readonly selector: SecretSelector;
  /** `| NAME` (for `*`/`**`: the prefix), or undefined. */
  readonly name?: string;
}

const NAME = /^[\p{L}\p{N}_-]+$/u;

/** vault-action's normalisation of a key into a name. */
export function normalizeKey(key: string): string {
  return key.replace(/\./g, '__').replace(/[^\p{L}\p{N}_-]/gu, '');
}

function checkPath(path: string, entry: string): string {
  const clean = path.replace(/^\/+|\/+$/g, '');
  if (clean === '' || clean.split('/').some((seg) => seg === '' || seg === '.' || seg === '..')) {
    throw new ActionError(`secrets entry "${entry}": bad path "${path}"`);
  }
  return clean;
}

function parseEntry(entry: string): SecretRequest {
  const bar = entry.lastIndexOf('|');
  const spec = (bar < 0 ? entry : entry.slice(0, bar)).trim();
  const name = bar < 0 ? undefined : entry.slice(bar + 1).trim();
  if (name !== undefined && !NAME.test(name)) {
    throw new ActionError(`secrets entry "${entry}": the name after | must be letters, digits, _ or -`);
  }
  const parts = spec.split(/\s+/).filter((p) => p !== '');
  const request = (location: SecretLocation, selector: SecretSelector): SecretRequest =>
    name === undefined ? { entry, location, selector } : { entry, location, selector, name };

  if (parts.length === 1 && isReference(parts[0]!)) {
    let ref;
    try {
      ref = parseReference(parts[0]!);
    } catch (err) {
      if (isHushError(err)) throw new ActionError(`secrets entry "${entry}": ${err.message}`);
      throw err;
    }
    const location: SecretLocation =
      ref.version === undefined ? { kind: 'reference', path: ref.path } : { kind: 'reference', path: ref.path, version: ref.version };
    return request(location, { kind: 'key', key: ref.key });
  }
  if (parts.length !== 2) {
    throw new ActionError(
      `secrets entry "${entry}": expected "API_PATH KEY | NAME" (e.g. secret/data/ci/aws accessKey | AWS_ACCESS_KEY_ID) or "hush://MOUNT/PATH#KEY | NAME"`,
    );
  }
  const [path, key] = parts as [string, string];
  const location: SecretLocation = { kind: 'api', path: checkPath(path, entry) };
  if (key === '*' || key === '**') return request(location, { kind: 'all', upperCase: key === '*' });
  if (name === undefined && normalizeKey(key) === '') {
    throw new ActionError(`secrets entry "${entry}": key "${key}" leaves no name; add "| NAME"`);
  }
  return request(location, { kind: 'key', key });
}

/** Parses the `secrets` input; throws an ActionError naming the first bad entry. */
export function parseSecretRequests(input: string): SecretRequest[] {
  return input
    .split(/[;\r\n]/)
    .map((e) => e.trim())
    .filter((e) => e !== '' && !e.startsWith('#'))
    .map(parseEntry);
}
