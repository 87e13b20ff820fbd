/**
 * @module Whether a redirect URI is one an OIDC role allows. Exact match, except on loopback
 * hosts, where the port is ignored (RFC 8252 section 7.3: a native app such as `hush login
 * -method=oidc port=N` may listen on another port than the one registered), as Vault does.
 */

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/** The URI without its port, when its host is a loopback name or address. */
function withoutLoopbackPort(uri: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(uri);
  } catch {
    return undefined;
  }
  if (!LOOPBACK_HOSTS.has(parsed.hostname)) return undefined;
  parsed.port = '';
  return parsed.toString();
}

export function isAllowedRedirect(uri: string, allowed: readonly string[]): boolean {
  if (allowed.includes(uri)) return true;
  const portless = withoutLoopbackPort(uri);
  return portless !== undefined && allowed.some((a) => withoutLoopbackPort(a) === portless);
}
