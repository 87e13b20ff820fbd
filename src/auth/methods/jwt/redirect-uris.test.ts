import { describe, expect, it } from 'vitest';
import { isAllowedRedirect } from './redirect-uris.js';

describe('isAllowedRedirect', () => {
  const allowed = ['http://localhost:8250/oidc/callback', 'https://hush.example.com/ui/vault/auth/oidc/oidc/callback', 'http://127.0.0.1:8250/cb', 'http://[::1]:8250/cb'];

  it('matches other URIs exactly', () => {
    expect(isAllowedRedirect('https://hush.example.com/ui/vault/auth/oidc/oidc/callback', allowed)).toBe(true);
    expect(isAllowedRedirect('https://hush.example.com:8443/ui/vault/auth/oidc/oidc/callback', allowed)).toBe(false);
    expect(isAllowedRedirect('https://hush.example.com/ui/vault/auth/oidc/oidc/callback?x=1', allowed)).toBe(false);
    expect(isAllowedRedirect('http://hush.example.com/ui/vault/auth/oidc/oidc/callback', allowed)).toBe(false);
  });

  it('ignores the port of loopback URIs only (RFC 8252 7.3), keeping scheme, host and path', () => {
    expect(isAllowedRedirect('http://localhost:49152/oidc/callback', allowed)).toBe(true);
    expect(isAllowedRedirect('http://localhost/oidc/callback', allowed)).toBe(true);
    expect(isAllowedRedirect('http://127.0.0.1:3000/cb', allowed)).toBe(true);
    expect(isAllowedRedirect('http://[::1]:3000/cb', allowed)).toBe(true);
    expect(isAllowedRedirect('https://localhost:49152/oidc/callback', allowed)).toBe(false);
    expect(isAllowedRedirect('http://localhost:49152/oidc/other', allowed)).toBe(false);
    expect(isAllowedRedirect('http://127.0.0.1:8250/oidc/callback', allowed)).toBe(false);
    expect(isAllowedRedirect('http://localhost.evil.example:8250/oidc/callback', allowed)).toBe(false);
    expect(isAllowedRedirect('not a url', allowed)).toBe(false);
  });
});
