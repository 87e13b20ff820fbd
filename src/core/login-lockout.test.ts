import { describe, expect, it } from 'vitest';
import { addressScoped } from '../auth/methods/auth-method.js';
import { DEFAULT_LOCKOUT, LoginLockout } from './login-lockout.js';

describe('LoginLockout', () => {
  const fail = (lockout: LoginLockout, identifier: string, address: string) => {
    for (let i = 0; i < DEFAULT_LOCKOUT.threshold; i++) lockout.recordFailure(DEFAULT_LOCKOUT, 'auth_jwt_1', identifier, address);
  };

  it('locks an address-scoped name for that address only', () => {
    const lockout = new LoginLockout(() => 0);
    fail(lockout, addressScoped('deploy', '10.0.0.1'), '10.0.0.1');
    expect(() => lockout.check(DEFAULT_LOCKOUT, 'auth_jwt_1', addressScoped('deploy', '10.0.0.1'), '10.0.0.1')).toThrow(/too many failed login attempts/);
    expect(() => lockout.check(DEFAULT_LOCKOUT, 'auth_jwt_1', addressScoped('deploy', '10.0.0.2'), '10.0.0.2')).not.toThrow();
  });

  it('unlocking the bare name lifts its locks from every address, and nothing of other names', () => {
    const lockout = new LoginLockout(() => 0);
    fail(lockout, addressScoped('deploy', '10.0.0.1'), '10.0.0.1');
    fail(lockout, addressScoped('deploy', '10.0.0.2'), '10.0.0.2');
    fail(lockout, addressScoped('deploy-prod', '10.0.0.3'), '10.0.0.3');
    expect(lockout.locked().map((l) => l.key).sort()).toEqual(['deploy from 10.0.0.1', 'deploy from 10.0.0.2', 'deploy-prod from 10.0.0.3']);
    expect(lockout.unlock('auth_jwt_1', 'deploy')).toBe(true);
    expect(lockout.locked().map((l) => l.key)).toEqual(['deploy-prod from 10.0.0.3']);
    expect(lockout.unlock('auth_jwt_1', 'deploy')).toBe(false);
  });
});
