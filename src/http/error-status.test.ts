import { describe, expect, it } from 'vitest';
import { ERROR_STATUS, statusForErrorCode } from './error-status.js';

describe('ERROR_STATUS', () => {
  it('maps every code to the status Vault answers', () => {
    expect(ERROR_STATUS).toEqual({
      bad_request: 400,
      permission_denied: 403,
      not_found: 404,
      unsupported_operation: 405,
      payload_too_large: 413,
      conflict: 400,
      rate_limited: 429,
      sealed: 503,
      not_initialized: 503,
      unavailable: 503,
      internal: 500,
    });
  });

  it('is frozen and every status is a valid HTTP error status', () => {
    expect(Object.isFrozen(ERROR_STATUS)).toBe(true);
    for (const status of Object.values(ERROR_STATUS)) {
      expect(status).toBeGreaterThanOrEqual(400);
      expect(status).toBeLessThan(600);
    }
    expect(statusForErrorCode('sealed')).toBe(503);
  });
});
