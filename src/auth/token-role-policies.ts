/**
 * @module The policies of a token created through a token role, with Vault's rules. A role that
 * names neither allowed nor disallowed policies changes nothing (the usual rule applies: a child
 * holds a subset of its parent's policies). Otherwise:
 *
 * - `default` is added unless the request says `no_default_policy` (or the role
 *   `token_no_default_policy`) or the role disallows `default`;
 * - with allowed policies (`allowed_policies` and/or `allowed_policies_glob`), requested policies
 *   must each be allowed by name or by glob; none requested means the role's allowed names;
 * - with only disallowed policies, none requested means the parent's; requested ones must be
 *   the parent's unless the caller has sudo on the path;
 * - no resulting policy may be disallowed (`disallowed_policies` by name,
 *   `disallowed_policies_glob` by glob).
 */
import { badRequest } from '../lib/errors.js';
import { globMatch } from '../lib/star-glob.js';
import type { TokenRole } from './token-role.js';

export interface RolePolicyRequest {
  /** Policies named in the create request (may be empty). */
  readonly requested: readonly string[];
  /** The creating token's policies. */
  readonly parentPolicies: readonly string[];
  /** `no_default_policy` of the request or `token_no_default_policy` of the role. */
  readonly noDefaultPolicy: boolean;
  /** Root, or sudo on the create path. */
  readonly privileged: boolean;
}

/** Trimmed, de-duplicated and sorted names, with `default` when `addDefault` (and not root). */
function policySet(names: readonly string[], addDefault: boolean): string[] {
  const set = new Set(names.map((n) => n.trim()).filter((n) => n !== ''));
  if (addDefault && !set.has('root')) set.add('default');
  return [...set].sort();
}

const listed = (names: readonly string[]) => `[${names.join(' ')}]`;

/**
 * The policies of the new token, or `undefined` when the role leaves policies to the usual rule.
 * Throws `bad_request` with Vault's messages when the request asks for what the role forbids.
 */
export function roleTokenPolicies(role: TokenRole, req: RolePolicyRequest): string[] | undefined {
  const hasAllowed = role.allowedPolicies.length > 0 || role.allowedPoliciesGlob.length > 0;
  const hasDisallowed = role.disallowedPolicies.length > 0 || role.disallowedPoliciesGlob.length > 0;
  if (!hasAllowed && !hasDisallowed) return undefined;

  const isDisallowed = (p: string) => role.disallowedPolicies.includes(p) || role.disallowedPoliciesGlob.some((g) => globMatch(g, p));
  const addDefault = !req.noDefaultPolicy && !isDisallowed('default');
  let policies = req.requested.length > 0 ? policySet(req.requested, addDefault) : [];

  if (hasAllowed) {
    const allowed = policySet(role.allowedPolicies, addDefault);
    if (policies.length === 0) {
      policies = allowed;
    } else if (!policies.every((p) => allowed.includes(p) || role.allowedPoliciesGlob.some((g) => globMatch(g, p)))) {
      throw badRequest(
        `token policies (${listed(policies)}) must be subset of the role's allowed policies (${listed(allowed)}) or glob policies (${listed(role.allowedPoliciesGlob)})`,
      );
    }
  } else {
    const parent = policySet(req.parentPolicies, addDefault);
    if (policies.length === 0) policies = parent;
    else if (!req.privileged && !policies.every((p) => parent.includes(p))) {
      throw badRequest('child policies must be subset of parent when role contains no allowed_policies');
    }
  }

  const refused = policies.find(isDisallowed);
  if (refused !== undefined) throw badRequest(`token policy ${JSON.stringify(refused)} is disallowed by this role`);
  return req.noDefaultPolicy ? policies.filter((p) => p !== 'default') : policies;
}
