/**
 * @module Signed tokens and framework secrets: JSON Web Tokens (verified structure), Django /
 * Flask `SECRET_KEY`, Rails `secret_key_base`, Laravel `APP_KEY`, Symfony `APP_SECRET`, Phoenix.
 */
import { decodeJsonSegment } from './codec.js';
import { defineRule } from './rule.js';
import type { Rule } from './rule.js';

/** A JWT whose header is JSON with an `alg` other than `none`, payload JSON, and a signature. */
export function isSignedJwt(token: string): boolean {
  const parts = token.split('.');
  if (parts.length !== 3) return false;
  const [header, payload, signature] = parts as [string, string, string];
  const h = decodeJsonSegment(header);
  if (h === undefined || typeof h['alg'] !== 'string' || h['alg'].toLowerCase() === 'none') return false;
  if (decodeJsonSegment(payload) === undefined) return false;
  return signature.length >= 16;
}

export const frameworkRules: readonly Rule[] = [
  defineRule({
    id: 'jwt',
    provider: 'JSON Web Token',
    description: 'Signed JSON Web Token (header with alg ≠ none, JSON payload, non-empty signature)',
    severity: 'medium',
    keywords: ['eyj'],
    regex: /(?<![A-Za-z0-9_-])(?<secret>eyJ[A-Za-z0-9_-]{10,2000}\.eyJ[A-Za-z0-9_-]{10,8000}\.[A-Za-z0-9_-]{16,1000})(?![A-Za-z0-9_-])/g,
    validate: isSignedJwt,
  }),
  defineRule({
    id: 'django-secret-key',
    provider: 'Django',
    description: 'Django / Flask SECRET_KEY assigned a literal',
    severity: 'high',
    keywords: ['secret_key'],
    regex: /(?<![A-Za-z0-9_])SECRET_KEY\s{0,5}(?:=|:)\s{0,5}(?:[rbu]{0,2})(?<q>['"])(?<secret>[^'"\s]{20,120})\k<q>/gi,
    minEntropy: 3.5,
  }),
  defineRule({
    id: 'rails-secret-key-base',
    provider: 'Ruby on Rails',
    description: 'Rails secret_key_base (128 hex)',
    severity: 'high',
    keywords: ['secret_key_base'],
    regex: /secret_key_base['"]?\s{0,5}(?::|=>|=)\s{0,5}['"]?(?<secret>[a-f0-9]{128})(?![a-f0-9])/gi,
  }),
  defineRule({
    id: 'laravel-app-key',
    provider: 'Laravel',
    description: 'Laravel APP_KEY (base64:<32 bytes>)',
    severity: 'high',
    keywords: ['base64:'],
    regex: /APP_KEY\s{0,5}[=:]\s{0,5}['"]?(?<secret>base64:[A-Za-z0-9+/]{43}=)/g,
  }),
  defineRule({
    id: 'symfony-app-secret',
    provider: 'Symfony',
    description: 'Symfony APP_SECRET (32 hex)',
    severity: 'medium',
    keywords: ['app_secret'],
    regex: /APP_SECRET\s{0,5}[=:]\s{0,5}['"]?(?<secret>[a-f0-9]{32})(?![A-Za-z0-9])/gi,
    minEntropy: 3,
  }),
  defineRule({
    id: 'phoenix-secret-key-base',
    provider: 'Phoenix',
    description: 'Phoenix / Elixir secret_key_base literal (64+ base64 characters)',
    severity: 'high',
    keywords: ['secret_key_base:'],
    regex: /secret_key_base:\s{0,5}"(?<secret>[A-Za-z0-9+/]{64,128})"/g,
    minEntropy: 4.5,
  }),
];
