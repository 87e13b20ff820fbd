/**
 * @module The action's inputs (`with:` in a workflow), read the way the runner passes them: one
 * environment variable per input, `INPUT_` + the name upper-cased with spaces turned into `_`
 * (hyphens stay: `role-id` arrives as `INPUT_ROLE-ID`), values trimmed. Parsed once into
 * {@link ActionInputs}; every mistake is an {@link ActionError} naming the input.
 */
import { ActionError } from './action-error.js';

export type Env = Readonly<Record<string, string | undefined>>;

export type LoginMethod = 'jwt' | 'approle' | 'token';

export interface ActionInputs extends ClientInputs {
  readonly method: LoginMethod;
  /** Mount path of the auth method, without slashes (`jwt`, `approle`, `gh-actions`…). */
  readonly path: string;
  readonly role: string;
  /** Audience asked of GitHub for the ID token; empty: GitHub's default (`https://github.com/OWNER`). */
  readonly jwtAudience: string;
  readonly roleId: string;
  readonly secretId: string;
  readonly token: string;
  readonly secrets: string;
  readonly exportEnv: boolean;
  readonly exportToken: boolean;
}

/** The raw value of input `name`, trimmed; `''` when not given. */
export function readInput(env: Env, name: string): string {
  return (env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] ?? '').trim();
}

/** A boolean input as GitHub's YAML 1.2 core schema spells it (`true`/`True`/`TRUE`…). */
export function readBooleanInput(env: Env, name: string, fallback: boolean): boolean {
  const raw = readInput(env, name);
  if (raw === '') return fallback;
  if (['true', 'True', 'TRUE'].includes(raw)) return true;
  if (['false', 'False', 'FALSE'].includes(raw)) return false;
  throw new ActionError(`input ${name} must be true or false, got "${raw.slice(0, 20)}"`);
}

/** A CA certificate input: PEM text as is, or base64 of a PEM (hashicorp/vault-action's format). */
function readCaCertificate(env: Env): string {
  const raw = readInput(env, 'ca-certificate');
  if (raw === '' || raw.includes('-----BEGIN')) return raw;
  const decoded = Buffer.from(raw, 'base64').toString('utf8');
  if (!decoded.includes('-----BEGIN')) throw new ActionError('input ca-certificate must be a PEM certificate, or base64 of one');
  return decoded;
}

/** What it takes to reach the server: the main and the post step both need it. */
export interface ClientInputs {
  readonly url: string;
  /** PEM of the CA that signed the server's certificate (given as PEM or base64 of PEM). */
  readonly caCertificate: string;
  readonly tlsSkipVerify: boolean;
}

export function readClientInputs(env: Env): ClientInputs {
  const url = readInput(env, 'url');
  if (url === '') throw new ActionError('input url is required: the address of the Hush server, e.g. https://hush.example.com:8200');
  try {
    const parsed = new URL(url);
    if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') throw new Error('scheme');
  } catch {
    throw new ActionError(`input url must be an http(s) address, got "${url.slice(0, 100)}"`);
  }
  return { url, caCertificate: readCaCertificate(env), tlsSkipVerify: readBooleanInput(env, 'tls-skip-verify', false) };
}

export function parseInputs(env: Env): ActionInputs {
  const client = readClientInputs(env);
  const method = (readInput(env, 'method') || 'jwt').toLowerCase();
  if (method !== 'jwt' && method !== 'approle' && method !== 'token') {
    throw new ActionError(`input method must be jwt, approle or token, got "${method.slice(0, 40)}"`);
  }
  const inputs: ActionInputs = {
    ...client,
    method,
    path: (readInput(env, 'path') || method).replace(/^\/+|\/+$/g, ''),
    role: readInput(env, 'role'),
    jwtAudience: readInput(env, 'jwt-audience'),
    roleId: readInput(env, 'role-id'),
    secretId: readInput(env, 'secret-id'),
    token: readInput(env, 'token'),
    secrets: readInput(env, 'secrets'),
    exportEnv: readBooleanInput(env, 'export-env', true),
    exportToken: readBooleanInput(env, 'export-token', false),
  };
  if (method === 'approle' && inputs.roleId === '') {
    throw new ActionError('method approle needs input role-id (and secret-id unless the role does not bind one)');
  }
  if (method === 'token' && inputs.token === '') throw new ActionError('method token needs input token');
  if (inputs.secrets === '' && !inputs.exportToken) {
    throw new ActionError('nothing to do: give input secrets (one "PATH KEY | NAME" per line) or set export-token: true');
  }
  return inputs;
}
