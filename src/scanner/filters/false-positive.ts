/**
 * @module False-positive filters applied to every candidate after its rule matched: placeholders
 * and template references, environment lookups, documentation example keys, test fixtures marked
 * as such, lock-file hashes, hex digests, UUIDs, sequential or repeated characters, dictionary
 * words, file paths and URLs without credentials, function calls. Generic (name-based) rules get
 * the full set; provider rules, whose format is already specific, get the placeholder, example and
 * fixture checks only.
 */
import { decodeBase64Text } from '../rules/codec.js';
import { isGenericRuleId, providerRules } from '../rules/index.js';
import { shannonEntropy } from './entropy.js';
import { COMMON_WORDS } from './words.js';

export interface FalsePositiveContext {
  readonly line: string;
  readonly path: string;
  readonly ruleId: string;
}

/** Keys published in providers' documentation as examples. */
const DOCUMENTED_EXAMPLES: ReadonlySet<string> = new Set([
  'AKIAIOSFODNN7EXAMPLE',
  'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
  'AKIAI44QH8DHBEXAMPLE',
  'je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY',
  'ASIAIOSFODNN7EXAMPLE',
  'sk_test_4eC39HqLyjWDarjtT1zdp7dc',
  'sk_test_BQokikJOvBiI2HlWgH4olfQ2',
  'rk_test_4eC39HqLyjWDarjtT1zdp7dc',
  'whsec_test_secret',
  'SG.xxxxxxxxxxxxxxxxxxxxxx.xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx',
  'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c',
  'xoxb-not-a-real-token-this-will-not-work',
  '123456:ABC-DEF1234ghIkl-zyx57W2v1u123ew11',
]);

/** Substrings that mark a value as a placeholder or documentation example. */
const PLACEHOLDER_MARKERS =
  /example|xxxx|\*\*\*|placeholder|changeme|change_me|change-me|your[_-]?(?:api|secret|token|key|password|pass|own|app|access)|replace[_-]?(?:me|with|this)|insert[_-]?(?:your|here)|redacted|dummy|fake|sample|notreal|not[_-]a[_-]real|<[^>]{0,40}>|\.\.\.|…/i;

/** The whole value is a template, variable or lookup rather than a literal. */
const REFERENCE =
  /^(?:\$\{[^}]*\}?|\$\(|\$[A-Za-z_][A-Za-z0-9_]*|\{\{.*\}\}|\{%|%\([A-Za-z_]+\)[sd]|%[sd]|#\{|@[A-Za-z_]+@|__[A-Z0-9_]+__|<%|\[\[)/;
const LOOKUP =
  /(?:os\.environ|os\.getenv|getenv\(|process\.env|env\(|ENV\[|ENV\.fetch|config\(|settings\.|Secrets?\.|secrets\.|vault\(|import\.meta\.env|System\.getenv|Deno\.env|\bref\+)/;
const LITERAL_NON_SECRET = /^(?:none|null|nil|undefined|true|false|yes|no|on|off|required|optional|empty|secret|password|string|str|int|bool)$/i;

const LOCK_FILES =
  /(?:^|\/)(?:package-lock\.json|npm-shrinkwrap\.json|yarn\.lock|pnpm-lock\.yaml|bun\.lockb?|poetry\.lock|Pipfile\.lock|uv\.lock|pdm\.lock|go\.sum|Cargo\.lock|composer\.lock|Gemfile\.lock|packages\.lock\.json|flake\.lock|mix\.lock|pubspec\.lock|Package\.resolved|gradle\.lockfile|conda-lock\.ya?ml)$/;
const TEMPLATE_FILES = /(?:\.example|\.sample|\.template|\.tmpl|\.dist|\.tpl)(?:\.[A-Za-z0-9]+)?$|(?:^|\/)(?:example|sample)s?\//i;
const TEST_PATHS = /(?:^|\/)(?:tests?|__tests__|spec|specs|fixtures?|testdata|test-data|mocks?|__mocks__)\/|[._-](?:test|spec|mock|fixture)s?\.[A-Za-z0-9]+$/i;
const FIXTURE_WORDS = /(?<![a-z])(?:test|fake|dummy|mock|fixture|stub|example|sample|placeholder)/i;
const LINE_MARKERS = /(?<![a-z])(?:fake|dummy|mock|placeholder|not[-_ ]a[-_ ]real|example only|for illustration|documentation example)(?![a-z])/i;

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const HEX_DIGEST = /^(?:[a-f0-9]{32}|[a-f0-9]{40}|[a-f0-9]{56}|[a-f0-9]{64}|[a-f0-9]{96}|[a-f0-9]{128}|[A-F0-9]{32}|[A-F0-9]{40}|[A-F0-9]{64})$/;
const DIGEST_PREFIX = /^(?:sha1|sha256|sha384|sha512|md5|blake2b?|h1):|^sha(?:1|256|384|512)-[A-Za-z0-9+/=]{20,}$/i;
const FILE_PATH = /^(?:~|\.{1,2})?\/[^\s]*$|^[A-Za-z]:\\|^[\w.-]+(?:\/[\w.-]+)+\/?$|\.(?:pem|key|crt|cer|p12|pfx|json|ya?ml|txt|env|ini|cfg|conf|toml|xml|jks|keystore|der|pub|gpg|asc|js|ts|py|sh)$/i;
const URL_WITHOUT_CREDENTIALS = /^[a-z][a-z0-9+.-]{1,20}:\/\/[^@\s]*$/i;
const FUNCTION_CALL = /^[A-Za-z_$][\w$.]{0,80}\(.*\)?;?$/;
const DOTTED_REFERENCE = /^[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)+$/;
const IDENTIFIER_ONLY = /^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+$|^[a-z]+(?:_[a-z]+)+$/;

function longestRun(value: string): number {
  let best = 0;
  let run = 0;
  for (let i = 0; i < value.length; i++) {
    run = i > 0 && value[i] === value[i - 1] ? run + 1 : 1;
    if (run > best) best = run;
  }
  return best;
}

function longestSequence(value: string): number {
  let best = 1;
  let up = 1;
  let down = 1;
  for (let i = 1; i < value.length; i++) {
    const d = value.charCodeAt(i) - value.charCodeAt(i - 1);
    up = d === 1 ? up + 1 : 1;
    down = d === -1 ? down + 1 : 1;
    best = Math.max(best, up, down);
  }
  return best;
}

/** Sequential (`abcdef`, `123456`, `qwerty`) or repeated characters dominate the value. */
export function isLowVariety(value: string): boolean {
  if (value.length === 0) return true;
  if (new Set(value).size <= Math.min(3, value.length)) return true;
  if (longestSequence(value) >= Math.max(6, value.length * 0.6)) return true;
  if (longestRun(value) >= Math.max(6, value.length * 0.5)) return true;
  if (/0123456789|abcdefghij|qwertyuiop|asdfghjkl/i.test(value)) return true;
  return false;
}

/** Whether a lower-case run of letters splits entirely into common words (2+ letters each). */
function splitsIntoWords(letters: string): boolean {
  if (letters.length > 40) return false;
  const ok: boolean[] = [true];
  for (let end = 1; end <= letters.length; end++) {
    ok[end] = false;
    for (let start = Math.max(0, end - 16); start <= end - 2; start++) {
      if (ok[start] && COMMON_WORDS.has(letters.slice(start, end))) {
        ok[end] = true;
        break;
      }
    }
  }
  return ok[letters.length] === true;
}

const LEET: Record<string, string> = { '@': 'a', '4': 'a', '0': 'o', '1': 'i', '3': 'e', '5': 's', $: 's', '7': 't' };

/**
 * Every alphabetic part of the value is a common word or a run of them (`somepassword`), digits if
 * any are short; also tried with leetspeak undone and percent-encoding decoded (`p%40ssw0rd`).
 */
export function isDictionaryValue(value: string): boolean {
  if (dictionaryParts(value)) return true;
  // A short token-like prefix followed by words: `hvs.dev-root-token`, `sk_my_secret`.
  const prefixed = /^[A-Za-z0-9]{1,4}[._-](.{4,})$/.exec(value);
  if (prefixed?.[1] !== undefined && /[A-Za-z]{3}/.test(prefixed[1]) && dictionaryParts(prefixed[1])) return true;
  let decoded = value;
  try {
    decoded = decodeURIComponent(value);
  } catch {
    // not percent-encoded
  }
  const unleet = decoded.replace(/[@4013$57]/g, (c) => LEET[c] ?? c);
  return unleet !== value && dictionaryParts(unleet);
}

function dictionaryParts(value: string): boolean {
  const parts = value
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .split(/[^A-Za-z0-9]+|(?<=[A-Za-z])(?=[0-9])|(?<=[0-9])(?=[A-Za-z])/)
    .filter((p) => p.length > 0);
  if (parts.length === 0) return true;
  let letters = 0;
  for (const part of parts) {
    if (/^[0-9]+$/.test(part)) {
      if (part.length > 4) return false;
      continue;
    }
    letters++;
    const lower = part.toLowerCase();
    if (!COMMON_WORDS.has(lower) && !splitsIntoWords(lower)) return false;
  }
  return letters > 0;
}

/** Placeholder, template, lookup or documented example — checked for every rule. */
export function isPlaceholder(value: string): boolean {
  if (DOCUMENTED_EXAMPLES.has(value)) return true;
  if (/EXAMPLE(?:KEY)?$/.test(value)) return true;
  if (PLACEHOLDER_MARKERS.test(value)) return true;
  if (REFERENCE.test(value) || LOOKUP.test(value)) return true;
  if (LITERAL_NON_SECRET.test(value)) return true;
  return false;
}

/** Provider rules for the overlap check; each regex is copied on first use (not at start-up). */
const PROVIDER_MATCHERS = providerRules.map((rule) => ({ rule, regex: null as RegExp | null }));

function providerRulesOverlap(secret: string, line: string): boolean {
  const lower = line.toLowerCase();
  for (const p of PROVIDER_MATCHERS) {
    if (!p.rule.keywords.some((k) => lower.includes(k))) continue;
    const regex = (p.regex ??= new RegExp(p.rule.regex.source, p.rule.regex.flags));
    regex.lastIndex = 0;
    for (const m of line.matchAll(regex)) {
      const found = m.groups?.['secret'] ?? m[0];
      if (found.length > 0 && (found.includes(secret) || secret.includes(found))) return true;
    }
  }
  return false;
}

/** The extra checks for values caught by a name rather than a format. */
function isGenericFalsePositive(secret: string, ctx: FalsePositiveContext): boolean {
  if (TEMPLATE_FILES.test(ctx.path)) return true;
  // Hand-typed values in test files are fixtures unless they look machine-generated.
  if (TEST_PATHS.test(ctx.path) && (secret.length < 16 || shannonEntropy(secret) < 3.5)) return true;
  if (UUID_RE.test(secret) || HEX_DIGEST.test(secret) || DIGEST_PREFIX.test(secret)) return true;
  if (/^[0-9]+$/.test(secret) || /^[0-9a-f]{7,12}$/.test(secret)) return true;
  if (FILE_PATH.test(secret) || URL_WITHOUT_CREDENTIALS.test(secret)) return true;
  if (FUNCTION_CALL.test(secret) || IDENTIFIER_ONLY.test(secret)) return true;
  // An unquoted `a.b.c` is a reference to another setting; a quoted one is a literal.
  if (ctx.ruleId === 'generic-secret-unquoted' && DOTTED_REFERENCE.test(secret)) return true;
  if (isLowVariety(secret) || isDictionaryValue(secret)) return true;
  // Interpolations, identifiers and slugs rather than literals.
  if (/\$\{|\{\{|#\{|^urn:|^[\d.]+$/.test(secret)) return true;
  if (/^[A-Z]{0,3}[a-z]*(?:[A-Z][a-z]+)+$/.test(secret)) return true;
  if (/^[a-z]{2,}(?:[-_][a-z]{2,})*(?:[-_][0-9]{1,3})?(?:[-_][a-z]{2,})+$/.test(secret) && shannonEntropy(secret) < 3.6) return true;
  if (/^(?:\d{1,3}\.){3}\d{1,3}$|^\d{4}-\d{2}-\d{2}/.test(secret)) return true;
  if (/^-----BEGIN|^ssh-(?:rsa|ed25519)|^ecdsa-sha2/.test(secret)) return true;
  // Kubernetes `data:` values and similar: judge the decoded text when it is base64 of text.
  if (secret.length >= 8 && /^[A-Za-z0-9+/]+={0,2}$/.test(secret) && secret.length % 4 === 0) {
    const decoded = decodeBase64Text(secret);
    if (decoded !== undefined && decoded.length >= 1) {
      const text = decoded.trim();
      if (text.length < 6 || isPlaceholder(text) || isDictionaryValue(text) || isLowVariety(text)) return true;
      if (shannonEntropy(text) < 2.3) return true;
    }
  }
  // Reported by the provider rule that knows the format.
  return providerRulesOverlap(secret, ctx.line);
}

/** Whether `secret` matched by `ctx.ruleId` on `ctx.line` of `ctx.path` is not a real credential. */
export function isFalsePositive(secret: string, ctx: FalsePositiveContext): boolean {
  const generic = isGenericRuleId(ctx.ruleId);
  if (isPlaceholder(secret)) return true;
  if (LINE_MARKERS.test(ctx.line)) return true;
  if (TEST_PATHS.test(ctx.path) && (FIXTURE_WORDS.test(secret) || FIXTURE_WORDS.test(ctx.line))) return true;
  if (ctx.ruleId !== 'twitter-bearer-token' && !ctx.ruleId.startsWith('private-key') && isLowVariety(secret)) return true;
  if (LOCK_FILES.test(ctx.path)) {
    if (generic) return true;
    if (HEX_DIGEST.test(secret) || DIGEST_PREFIX.test(secret) || /^sha\d{1,3}-/.test(secret)) return true;
  }
  if (ctx.ruleId.endsWith('-url-password') || ctx.ruleId === 'http-basic-auth-url') {
    if (isDictionaryValue(secret) || secret.length < 4) return true;
  }
  // A key found by decoding a kubeconfig's client-key-data is already reported by the kubeconfig rule.
  if (ctx.ruleId.startsWith('private-key') && ctx.line.includes('client-key-data') && !ctx.line.includes('-----BEGIN')) return true;
  if (generic) return isGenericFalsePositive(secret, ctx);
  return false;
}
