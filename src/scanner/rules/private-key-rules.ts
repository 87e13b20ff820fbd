/**
 * @module Private keys: PEM (RSA, EC, DSA, PKCS#8, encrypted PKCS#8), OpenSSH, PGP and PuTTY, each
 * with a real body (at least 64 base64 characters that are not a placeholder). Keys may sit in a
 * file of their own, in a multi-line string, or JSON-escaped on one line (`\n`).
 */
import { defineRule } from './rule.js';
import type { Rule } from './rule.js';

/** Base64 characters of a PEM / armour body once headers, escapes and whitespace are removed. */
export function pemBodyLength(block: string): number {
  const lines = block.replace(/\\r\\n|\\n|\\r/g, '\n').split(/\r?\n/);
  let total = 0;
  for (const raw of lines) {
    const line = raw.trim().replace(/^["']|["',]+$/g, '');
    if (line.startsWith('-----') || line.includes(':') || line.startsWith('=')) continue;
    if (/^[A-Za-z0-9+/=]+$/.test(line)) total += line.length;
  }
  return total;
}

function hasRealBody(block: string): boolean {
  if (/\.\.\.|…|xxxx|<[a-z _-]{2,40}>|\{\{|\$\{|redacted|your[_ -]?key|example/i.test(block)) return false;
  return pemBodyLength(block) >= 64;
}

export const privateKeyRules: readonly Rule[] = [
  defineRule({
    id: 'private-key-pem',
    provider: 'PEM private key',
    description: 'PEM private key (RSA, EC, DSA, PKCS#8, encrypted PKCS#8) with a body',
    severity: 'critical',
    keywords: ['private key'],
    regex:
      /-----BEGIN (?<kind>RSA |EC |DSA |ENCRYPTED |)PRIVATE KEY-----[A-Za-z0-9+/=\s:,\\-]{64,16384}?-----END \k<kind>PRIVATE KEY-----/g,
    validate: hasRealBody,
  }),
  defineRule({
    id: 'private-key-openssh',
    provider: 'OpenSSH',
    description: 'OpenSSH private key with a body',
    severity: 'critical',
    keywords: ['openssh private key'],
    regex: /-----BEGIN OPENSSH PRIVATE KEY-----[A-Za-z0-9+/=\s\\-]{64,16384}?-----END OPENSSH PRIVATE KEY-----/g,
    validate: hasRealBody,
  }),
  defineRule({
    id: 'private-key-pgp',
    provider: 'PGP',
    description: 'PGP / GPG private key block with a body',
    severity: 'critical',
    keywords: ['pgp private key block'],
    regex: /-----BEGIN PGP PRIVATE KEY BLOCK-----[\s\S]{64,32768}?-----END PGP PRIVATE KEY BLOCK-----/g,
    validate: hasRealBody,
  }),
  defineRule({
    id: 'private-key-putty',
    provider: 'PuTTY',
    description: 'PuTTY private key file (.ppk) with private lines',
    severity: 'critical',
    keywords: ['putty-user-key-file-'],
    regex: /PuTTY-User-Key-File-[23]: [a-z0-9-]{3,40}\r?\n[\s\S]{0,3000}?Private-Lines: \d{1,3}\r?\n(?:[ \t]{0,8}[A-Za-z0-9+/=]{1,128}\r?\n){1,64}/g,
    validate: (block) => {
      const priv = block.slice(block.indexOf('Private-Lines:'));
      const body = priv.slice(priv.indexOf('\n') + 1).replace(/\s/g, '');
      return body.length >= 64 && !/xxxx|example/i.test(block);
    },
  }),
];
