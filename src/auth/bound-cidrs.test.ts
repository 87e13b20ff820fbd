import { describe, expect, it } from 'vitest';
import { isHushError } from '../lib/errors.js';
import { isAddressAllowed, parseBoundCidrs } from './bound-cidrs.js';

describe('bound CIDRs', () => {
  it('normalises blocks and bare addresses', () => {
    expect(parseBoundCidrs(['10.0.0.0/8', '192.168.1.7', ' ', '::1', '::ffff:10.1.1.1/32'])).toEqual([
      '10.0.0.0/8',
      '192.168.1.7/32',
      '::1/128',
      '10.1.1.1/32',
    ]);
  });

  it.each(['10.0.0.0/33', 'nope', '10.0.0.0/8/1', '10.0.0.0/x', '::1/129'])('rejects %s', (cidr) => {
    let err: unknown;
    try {
      parseBoundCidrs([cidr]);
    } catch (e) {
      err = e;
    }
    expect(isHushError(err, 'bad_request')).toBe(true);
  });

  it('allows addresses inside the blocks only', () => {
    const bound = ['10.0.0.0/8', '2001:db8::/32'];
    expect(isAddressAllowed([], '1.2.3.4')).toBe(true);
    expect(isAddressAllowed(bound, '10.2.3.4')).toBe(true);
    expect(isAddressAllowed(bound, '::ffff:10.2.3.4')).toBe(true);
    expect(isAddressAllowed(bound, '2001:db8::5')).toBe(true);
    expect(isAddressAllowed(bound, '11.0.0.1')).toBe(false);
    expect(isAddressAllowed(bound, '2001:db9::5')).toBe(false);
    expect(isAddressAllowed(bound, 'garbage')).toBe(false);
  });
});
