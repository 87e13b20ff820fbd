/**
 * @module What a verified token's claims grant under a role, for both ways of logging in with
 * the JWT method (a JWT at `login`, an ID token from the OIDC browser flow): the user claim
 * names the identity, `claim_mappings` become metadata (with the role's name under `role`), and
 * the role's `token_*` fields shape the token the core issues.
 */
import type { LoginResult } from '../auth-method.js';
import { loginTokenParams } from '../login-role-fields.js';
import { mappedMetadata, userClaimValue } from './claim-checks.js';
import type { Claims } from './claim-checks.js';
import type { JwtRole } from './jwt-role.js';

export function loginResultFor(claims: Claims, role: JwtRole, roleName: string): LoginResult {
  const user = userClaimValue(claims, role);
  return { ...loginTokenParams(role), metadata: { ...mappedMetadata(claims, role), role: roleName }, displayName: user, aliasName: user };
}
