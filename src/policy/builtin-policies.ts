/**
 * @module The two built-in policies. `root` has no rules: an ACL holding it allows everything,
 * and it can be neither written nor deleted. `default` is ordinary policy text, written to
 * storage on first unseal and attached to every non-root token unless asked otherwise; operators
 * may edit it but not delete it. Its intent follows Vault's default policy: a token may look up,
 * renew and revoke itself, check its own capabilities, use its cubbyhole, wrap and unwrap
 * responses, hash with sys/tools and look up or renew its leases.
 */
import type { Policy } from './policy.js';

/** Name of the policy that allows everything. */
export const ROOT_POLICY_NAME = 'root';
/** Name of the policy attached to tokens by default. */
export const DEFAULT_POLICY_NAME = 'default';

/** The root policy; `createAcl` recognises it by name. */
export const ROOT_POLICY: Policy = Object.freeze({ name: ROOT_POLICY_NAME, rules: Object.freeze([]) });

/** True for `root` and `default`, which cannot be deleted. */
export function isBuiltinPolicyName(name: string): boolean {
  const n = name.trim().toLowerCase();
  return n === ROOT_POLICY_NAME || n === DEFAULT_POLICY_NAME;
}

/** Text of the `default` policy as first written to storage. */
export const DEFAULT_POLICY_TEXT = `# The default policy: what every token may do with itself.
# Edit it to suit; it cannot be deleted.

# A token may look itself up.
path "auth/token/lookup-self" {
  capabilities = ["read"]
}

# A token may renew itself.
path "auth/token/renew-self" {
  capabilities = ["update"]
}

# A token may revoke itself.
path "auth/token/revoke-self" {
  capabilities = ["update"]
}

# A token may check its own capabilities on a path.
path "sys/capabilities-self" {
  capabilities = ["update"]
}

# A token may read its own identity entity.
path "identity/entity/id/{{identity.entity.id}}" {
  capabilities = ["read"]
}

path "identity/entity/name/{{identity.entity.name}}" {
  capabilities = ["read"]
}

# A token may see its resultant ACL (used by the UI).
path "sys/internal/ui/resultant-acl" {
  capabilities = ["read"]
}

# A token may renew and look up leases it holds.
path "sys/renew" {
  capabilities = ["update"]
}

path "sys/leases/renew" {
  capabilities = ["update"]
}

path "sys/leases/lookup" {
  capabilities = ["update"]
}

# A token has its own private cubbyhole.
path "cubbyhole/*" {
  capabilities = ["create", "read", "update", "delete", "list"]
}

# A token may wrap, look up, unwrap and rewrap response-wrapped data.
path "sys/wrapping/wrap" {
  capabilities = ["update"]
}

path "sys/wrapping/lookup" {
  capabilities = ["update"]
}

path "sys/wrapping/unwrap" {
  capabilities = ["update"]
}

path "sys/wrapping/rewrap" {
  capabilities = ["update"]
}

# A token may hash data with the tools endpoint.
path "sys/tools/hash" {
  capabilities = ["update"]
}

path "sys/tools/hash/*" {
  capabilities = ["update"]
}
`;
