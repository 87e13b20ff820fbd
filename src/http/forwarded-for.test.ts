import { describe, expect, it } from 'vitest';
import { isHushError } from '../lib/errors.js';
import { clientAddress } from './forwarded-for.js';
import type { ForwardedForSettings } from './forwarded-for.js';

const lb: ForwardedForSettings = { authorized: ['10.0.0.0/24'], hopSkips: 0, rejectNotAuthorized: false, rejectNotPresent: false };
const refusal = (fn: () => unknown): string => {
  try {
    fn();
  } catch (err) {
    return isHushError(err) ? `${err.code}: ${err.message}` : 'other';
  }
  return 'none';
};

describe('X-Forwarded-For', () => {
  it('takes the last hop from an authorized proxy, or the one the hop skips name', () => {
    expect(clientAddress('10.0.0.5', '203.0.113.7', lb)).toBe('203.0.113.7');
    expect(clientAddress('10.0.0.5', '198.51.100.1, 203.0.113.7', lb)).toBe('203.0.113.7');
    expect(clientAddress('10.0.0.5', ['198.51.100.1', '203.0.113.7, 10.0.0.9'], { ...lb, hopSkips: 1 })).toBe('203.0.113.7');
    expect(clientAddress('10.0.0.5', '2001:db8::7', lb)).toBe('2001:db8::7');
    expect(clientAddress('10.0.0.5', '203.0.113.7:51000', lb)).toBe('203.0.113.7');
    expect(clientAddress('10.0.0.5', '[2001:db8::7]:443', lb)).toBe('2001:db8::7');
    expect(clientAddress('::ffff:10.0.0.5', '203.0.113.7', lb)).toBe('203.0.113.7');
  });

  it('ignores the header from anyone else, and uses the connection when there is none', () => {
    expect(clientAddress('192.0.2.50', '10.0.0.1', lb)).toBe('192.0.2.50');
    expect(clientAddress('10.0.0.5', undefined, lb)).toBe('10.0.0.5');
    expect(clientAddress('10.0.0.5', ' , ', lb)).toBe('10.0.0.5');
  });

  it('refuses when asked to, and refuses a header it cannot use', () => {
    expect(refusal(() => clientAddress('192.0.2.50', '10.0.0.1', { ...lb, rejectNotAuthorized: true }))).toBe(
      'permission_denied: client address not authorized for x-forwarded-for and configured to reject connection',
    );
    expect(refusal(() => clientAddress('10.0.0.5', undefined, { ...lb, rejectNotPresent: true }))).toBe(
      'permission_denied: missing x-forwarded-for header and configured to reject when not present',
    );
    expect(clientAddress('192.0.2.50', undefined, { ...lb, rejectNotAuthorized: true, rejectNotPresent: true })).toBe('192.0.2.50');
    expect(refusal(() => clientAddress('10.0.0.5', '203.0.113.7', { ...lb, hopSkips: 1 }))).toMatch(/^bad_request: malformed x-forwarded-for configuration/);
    expect(refusal(() => clientAddress('10.0.0.5', 'not-an-address', lb))).toMatch(/^bad_request: malformed x-forwarded-for header/);
  });
});
