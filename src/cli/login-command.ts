/**
 * @module `hush login [TOKEN|-]`, or `hush login -method=userpass|approle|jwt|kubernetes|oidc
 * K=V…` as the vault CLI spells it: logs in, checks the token with `lookup-self` and stores it in
 * the token file (mode 0600) that every other command reads. A userpass password that is not
 * given is prompted for without echo; `K=@file` reads a value from a file (as the vault CLI);
 * `oidc` is the browser login (`oidc-login.ts`).
 */
import { Command } from 'commander';
import { clientFromEnv, tokenFilePath } from './cli-context.js';
import { CliError } from './cli-errors.js';
import { promptSecret, readFileArg, readStdin } from './cli-input.js';
import { formatDuration, formatTable, printRaw, printStructured, pickField, withOutputFlags } from './output.js';
import type { OutputFlags } from './output.js';
import { oidcBrowserLogin } from './oidc-login.js';
import { dataOf } from './secret-display.js';
import { writeSecretFile } from '../lib/secret-file.js';

interface LoginFlags extends OutputFlags {
  method?: string;
  store?: boolean;
  path?: string;
  /** Print only the token, and store nothing (`export VAULT_TOKEN=$(hush login -token-only …)`). */
  tokenOnly?: boolean;
  /** Store the token but print nothing. */
  print?: boolean;
}

function tokenRows(token: string, data: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const policies = Array.isArray(data.policies) ? data.policies : [];
  return {
    token,
    token_accessor: data.accessor ?? '',
    token_duration: formatDuration(data.ttl ?? 0, '∞'),
    token_renewable: data.renewable ?? false,
    token_policies: policies,
    identity_policies: Array.isArray(data.identity_policies) ? data.identity_policies : [],
    policies,
  };
}

/** Methods whose login is `POST auth/<path>/login` (userpass adds `/<username>`). */
const LOGIN_METHODS = new Set(['userpass', 'approle', 'jwt', 'kubernetes']);

function keyValues(args: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const a of args) {
    const eq = a.indexOf('=');
    if (eq <= 0) throw new CliError(`expected KEY=VALUE, got "${a.split('=')[0]}": e.g. hush login -method=userpass username=alice`, 1);
    const value = a.slice(eq + 1);
    // K=@file: the file's text without its final newline (jwt=@/var/run/secrets/…/token)
    out[a.slice(0, eq)] = value.startsWith('@') ? readFileArg(value.slice(1)).replace(/\r?\n$/, '') : value;
  }
  return out;
}

/** Logs in with an auth method and returns the new token. */
async function methodLogin(method: string, mount: string, args: readonly string[]): Promise<string> {
  const fields = keyValues(args);
  let path = `auth/${mount}/login`;
  if (method === 'userpass') {
    const username = fields.username;
    if (!username) throw new CliError('userpass login needs username=NAME', 1);
    delete fields.username;
    fields.password ??= await promptSecret('Password (will be hidden): ');
    path += `/${encodeURIComponent(username)}`;
  }
  const res = await clientFromEnv().withToken('').write<{ auth?: { client_token?: string } }>(path, fields);
  const token = res.body?.auth?.client_token;
  if (!token) throw new CliError(`the ${method} login at ${path} returned no token`, 2);
  return token;
}

const mountOf = (flags: LoginFlags, method: string) => (flags.path ?? method).replace(/^\/+|\/+$/g, '');

async function login(args: readonly string[], flags: LoginFlags): Promise<void> {
  const method = flags.method ?? 'token';
  let token: string | undefined;
  if (method === 'token') {
    token = args[0];
    if (token === '-') token = (await readStdin()).trim();
    if (!token) token = await promptSecret('Token (will be hidden): ');
    if (!token) throw new CliError('no token given', 1);
  } else if (LOGIN_METHODS.has(method)) {
    token = await methodLogin(method, mountOf(flags, method), args);
  } else if (method === 'oidc') {
    token = await oidcBrowserLogin(clientFromEnv().withToken(''), mountOf(flags, method), keyValues(args));
  } else {
    throw new CliError(`login method "${method}" is not supported: use token, userpass, approle, jwt, kubernetes or oidc`, 1);
  }

  const client = clientFromEnv().withToken(token);
  const res = await client.read('auth/token/lookup-self');
  const data = dataOf(res.body);
  const stored = flags.store !== false && flags.tokenOnly !== true;
  if (stored) writeSecretFile(tokenFilePath(), `${token}\n`);
  if (flags.tokenOnly) {
    printRaw(token);
    return;
  }
  if (flags.print === false) return;

  const rows = tokenRows(token, data);
  if (flags.field) {
    printRaw(pickField(flags.field, rows));
    return;
  }
  if (flags.format === 'json' || flags.format === 'yaml') {
    printStructured(flags.format, { ...(res.body as object), auth: { client_token: token, accessor: data.accessor, policies: data.policies } });
    return;
  }
  if (process.env.HUSH_TOKEN || process.env.VAULT_TOKEN) {
    process.stderr.write(
      `WARNING! The ${process.env.HUSH_TOKEN ? 'HUSH_TOKEN' : 'VAULT_TOKEN'} environment variable is set and takes precedence over the stored token.\n\n`,
    );
  }
  const intro = stored
    ? 'Success! You are now authenticated. The token information displayed below is already stored\n' +
      `in ${tokenFilePath()}. You do NOT need to run "hush login" again. Future requests will use this token.`
    : 'Success! The token is valid. It was not stored (-no-store): pass it with HUSH_TOKEN.';
  process.stdout.write(`${intro}\n\n${formatTable(rows)}\n`);
}

export function createLoginCommand(): Command {
  return withOutputFlags(new Command('login'))
    .description('Check a token and store it for later commands (~/.hush-token, mode 0600)')
    .option('--method <method>', 'auth method: token, userpass, approle, jwt, kubernetes or oidc (browser login)', 'token')
    .option('--no-store', 'check the token but do not store it')
    .option('--token-only', 'print only the token, and do not store it (implies -no-store)')
    .option('--no-print', 'store the token but print nothing')
    .option('--path <path>', 'auth method mount path (defaults to the method name)')
    .argument('[args...]', 'the token (or - for stdin) with -method=token; KEY=VALUE login fields otherwise')
    .action((args: string[], flags: LoginFlags) => login(args, flags));
}
