import { describe, expect, it } from 'vitest';
import { checkAudience, checkBoundClaims, checkTimes, getClaim, mappedMetadata, userClaimValue } from './claim-checks.js';
import { parseRole } from './jwt-role.js';

const role = (extra: Record<string, unknown> = {}) => parseRole({ user_claim: 'sub', bound_audiences: ['a'], ...extra }, undefined);

describe('claims', () => {
  it('reads nested claims by JSON pointer', () => {
    expect(getClaim({ a: { 'b/c': [1, { d: 'x' }] } }, '/a/b~1c/1/d')).toBe('x');
    expect(getClaim({ '/odd': 1 }, 'plain')).toBeUndefined();
  });

  it('matches bound claims as strings (numbers and booleans as text) or lists, any-of', () => {
    const r = role({ bound_claims: { ref_protected: 'true', project_id: 20, groups: ['ops', 'dev'] } });
    expect(() => checkBoundClaims({ ref_protected: 'true', project_id: '20', groups: ['x', 'dev'] }, r)).not.toThrow();
    expect(() => checkBoundClaims({ ref_protected: true, project_id: 20, groups: 'ops' }, r)).not.toThrow();
    expect(() => checkBoundClaims({ ref_protected: 'false', project_id: 20, groups: 'ops' }, r)).toThrow(/claim "ref_protected" does not match/);
    expect(() => checkBoundClaims({ project_id: 20, groups: 'ops' }, r)).toThrow(/claim "ref_protected" is missing/);
  });

  it('splits comma-separated bound claim values unless told not to', () => {
    expect(role({ bound_claims: { env: 'prod,staging' } }).bound_claims).toEqual({ env: ['prod', 'staging'] });
    expect(role({ bound_claims: { env: 'a,b' }, disable_bound_claims_parsing: true }).bound_claims).toEqual({ env: 'a,b' });
  });

  it('checks audiences as a string or a list', () => {
    expect(() => checkAudience({ aud: ['x', 'a'] }, role())).not.toThrow();
    expect(() => checkAudience({ aud: 'b' }, role())).toThrow(/audience/);
    expect(() => checkAudience({}, role())).toThrow(/audience/);
  });

  it('applies Vault leeways: default 60 s skew + 150 s, -1 disables', () => {
    const now = 1_700_000_000_000;
    const sec = now / 1000;
    expect(() => checkTimes({ exp: sec - 200 }, role(), now)).not.toThrow();
    expect(() => checkTimes({ exp: sec - 211 }, role(), now)).toThrow(/expired/);
    expect(() => checkTimes({ exp: sec - 1 }, role({ clock_skew_leeway: -1, expiration_leeway: -1 }), now)).toThrow(/expired/);
    expect(() => checkTimes({ nbf: sec + 200 }, role(), now)).not.toThrow();
    expect(() => checkTimes({ nbf: sec + 211 }, role(), now)).toThrow(/not valid yet/);
    expect(() => checkTimes({ iat: sec + 61 }, role(), now)).toThrow(/issued in the future/);
    expect(() => checkTimes({ exp: 'soon' }, role(), now)).toThrow(/not a number/);
  });

  it('takes the user claim and maps claims into metadata', () => {
    const r = role({ claim_mappings: { repository: 'repo', groups: 'groups', missing: 'm' } });
    expect(userClaimValue({ sub: 'repo:acme/shop:ref:refs/heads/main' }, r)).toBe('repo:acme/shop:ref:refs/heads/main');
    expect(() => userClaimValue({ sub: { x: 1 } }, r)).toThrow(/is not a string/);
    expect(mappedMetadata({ repository: 'acme/shop', groups: ['a', 'b'] }, r)).toEqual({ repo: 'acme/shop', groups: 'a,b' });
  });

  it('refuses a mapping onto the reserved "role" key and duplicate targets', () => {
    expect(() => role({ claim_mappings: { x: 'role' } })).toThrow(/reserved/);
    expect(() => role({ claim_mappings: { x: 'k', y: 'k' } })).toThrow(/multiple claims/);
  });
});
