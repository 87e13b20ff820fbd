/**
 * @module Stored ACL policies and the compiled ACL for a set of policy names. Policy text is kept
 * as written (so `read` returns what the operator wrote) in barrier storage; parsed policies and
 * ACLs are cached in memory and dropped whenever a policy changes.
 */
import { HushError } from '../lib/errors.js';
import type { Storage } from '../storage/storage.js';
import { parsePolicy } from '../policy/policy-parser.js';
import { createAcl } from '../policy/acl.js';
import type { Acl } from '../policy/acl.js';
import type { Policy } from '../policy/policy.js';
import { DEFAULT_POLICY_TEXT } from '../policy/builtin-policies.js';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export class PolicyStore {
  readonly #storage: Storage;
  readonly #parsed = new Map<string, Policy | null>();
  readonly #acls = new Map<string, Acl>();

  constructor(storage: Storage) {
    this.#storage = storage;
  }

  /** Writes the built-in `default` policy if it is missing (first unseal). */
  async ensureDefaults(): Promise<void> {
    if (!(await this.#storage.get('default'))) await this.#storage.put('default', encoder.encode(DEFAULT_POLICY_TEXT));
  }

  async list(): Promise<string[]> {
    const names = (await this.#storage.list('')).filter((n) => !n.endsWith('/'));
    return [...new Set([...names, 'root'])].sort();
  }

  async read(name: string): Promise<string | undefined> {
    const key = normalizeName(name);
    if (key === 'root') return '';
    const raw = await this.#storage.get(key);
    return raw ? decoder.decode(raw) : undefined;
  }

  async write(name: string, text: string): Promise<void> {
    const key = normalizeName(name);
    if (key === 'root') throw new HushError('bad_request', 'cannot update "root" policy');
    parsePolicy(key, text); // validates; throws bad_request with the parse error
    await this.#storage.put(key, encoder.encode(text));
    this.#invalidate();
  }

  async delete(name: string): Promise<void> {
    const key = normalizeName(name);
    if (key === 'root' || key === 'default') throw new HushError('bad_request', `cannot delete "${key}" policy`);
    await this.#storage.delete(key);
    this.#invalidate();
  }

  /** The ACL of a token's policy set; unknown policy names grant nothing. */
  async aclFor(policyNames: readonly string[]): Promise<Acl> {
    const cacheKey = [...policyNames].sort().join('\n');
    const cached = this.#acls.get(cacheKey);
    if (cached) return cached;
    const policies: Policy[] = [];
    for (const name of policyNames) {
      const p = await this.#load(name);
      if (p) policies.push(p);
    }
    const acl = createAcl(policies);
    this.#acls.set(cacheKey, acl);
    return acl;
  }

  async #load(name: string): Promise<Policy | null> {
    if (this.#parsed.has(name)) return this.#parsed.get(name)!;
    let policy: Policy | null;
    if (name === 'root') policy = parsePolicy('root', '');
    else {
      const text = await this.read(name);
      policy = text === undefined ? null : parsePolicy(name, text);
    }
    this.#parsed.set(name, policy);
    return policy;
  }

  #invalidate(): void {
    this.#parsed.clear();
    this.#acls.clear();
  }
}

function normalizeName(name: string): string {
  const n = name.trim().toLowerCase();
  if (n === '' || n.includes('/') || n.includes('..')) throw new HushError('bad_request', 'invalid policy name');
  return n;
}
