import { describe, expect, it } from 'vitest';
import { isHushError } from '../lib/errors.js';
import { loginTokenType, parseMountTokenType } from './token-type-setting.js';
import type { MountTokenType } from './token-type-setting.js';

describe('the kind of token a login issues (Vault rules)', () => {
  // role setting → [under default-service, default-batch, service, batch]
  const table: Record<string, [string, string, string, string]> = {
    default: ['service', 'batch', 'service', 'batch'],
    'default-service': ['service', 'service', 'service', 'batch'],
    'default-batch': ['batch', 'batch', 'service', 'batch'],
    service: ['service', 'service', 'service', 'batch'],
    batch: ['batch', 'batch', 'service', 'batch'],
  };
  const mounts: MountTokenType[] = ['default-service', 'default-batch', 'service', 'batch'];

  it('follows the role unless the mount forces a kind; a role default takes the mount default', () => {
    for (const [setting, expected] of Object.entries(table)) {
      expect(mounts.map((m) => loginTokenType(setting, m)), setting).toEqual(expected);
    }
  });

  it('reads an untuned mount as default-service, and unknown stored settings as service', () => {
    expect(loginTokenType('default')).toBe('service');
    expect(loginTokenType('')).toBe('service');
    expect(loginTokenType('something-older', 'default-batch')).toBe('service');
  });

  it("parses a mount's token_type as Vault spells it, and refuses anything else", () => {
    expect(parseMountTokenType('')).toBe('default-service');
    expect(parseMountTokenType(' Default-Batch ')).toBe('default-batch');
    expect(parseMountTokenType('batch')).toBe('batch');
    for (const bad of ['default', 'both', 3, null]) {
      let err: unknown;
      try {
        parseMountTokenType(bad);
      } catch (e) {
        err = e;
      }
      expect(isHushError(err, 'bad_request'), String(bad)).toBe(true);
      expect((err as Error).message).toContain("invalid value for 'token_type'");
    }
  });
});
