/**
 * @module Generic detection: a literal assigned to a name that says "password", "secret", "token",
 * "api key", "access key", "auth", "credential" or "private key", in Python, JS/TS, Go, YAML, JSON,
 * TOML, INI, `.env`, shell, Dockerfile, XML and Kubernetes manifests (`stringData:` values as they
 * are, `data:` values base64-decoded by the false-positive filter). Entropy thresholds depend on
 * the name: passwords may be short, tokens and keys must look random.
 */
import { shannonEntropy } from '../filters/entropy.js';
import { TYPE_ANNOTATION } from './helpers.js';
import { defineRule } from './rule.js';
import type { Rule, RuleMatchContext } from './rule.js';

const KW =
  '(?:passwd|password|passphrase|pwd|secret|token|api[_-]?key|apikey|access[_-]?key|auth(?!or)|credential|private[_-]?key)';
/** The assigned name: up to 40 identifier characters, one of the keywords, up to 30 more. */
const NAME = `[A-Za-z0-9_.-]{0,40}?${KW}[A-Za-z0-9_.-]{0,30}`;

export const GENERIC_KEYWORDS: readonly string[] = [
  'password',
  'passwd',
  'passphrase',
  'pwd',
  'secret',
  'token',
  'api_key',
  'api-key',
  'apikey',
  'access_key',
  'access-key',
  'accesskey',
  'auth',
  'credential',
  'private_key',
  'private-key',
  'privatekey',
];

/** Name suffixes that describe something other than the secret itself. */
const NON_SECRET_NAME =
  /(?:_|-|\.|^|[a-z])(?:hash|hashed|digest|length|len|size|file|path|dir|url|uri|endpoint|name|id|type|field|header|param|env|var|ttl|expiry|expires|timeout|count|policy|prompt|label|regex|pattern|format|mode|enabled|required|min|max|algorithm|method|provider|scope|scopes|version|prefix|key_id|file_path)$/i;

/** The assigned name that precedes `secret` on `line`. */
export function assignedName(secret: string, line: string): string {
  const at = line.indexOf(secret);
  const before = at >= 0 ? line.slice(0, at) : line;
  const names = before.match(/[A-Za-z0-9_.-]+(?=['"`\]]{0,2}\s*(?:=>|:=|\?\?=|\|\|=|=|:)\s*[rbuf]{0,2}['"`]?\s*$)/g);
  if (names !== null && names.length > 0) return names[names.length - 1] ?? '';
  const tag = before.match(/<([A-Za-z0-9_.:-]+)>\s*$/);
  return tag?.[1] ?? '';
}

const PASSWORD_NAME = /passw(?:or)?d|passphrase|pwd/i;

/** Entropy and shape thresholds; stricter for tokens and keys than for passwords. */
export function plausibleGenericSecret(secret: string, context: RuleMatchContext): boolean {
  const name = assignedName(secret, context.line);
  if (name !== '' && NON_SECRET_NAME.test(name)) return false;
  const classes = [/[a-z]/, /[A-Z]/, /[0-9]/, /[^A-Za-z0-9]/].filter((re) => re.test(secret)).length;
  if (PASSWORD_NAME.test(name) || name === '') {
    return secret.length >= 8 && classes >= 2 && shannonEntropy(secret) >= 2.6;
  }
  return secret.length >= 12 && classes >= 2 && shannonEntropy(secret) >= 3.2;
}

const UNQUOTED_FILES =
  /(?:^|\/)(?:\.env[^/]*|[^/]*\.(?:env|ini|cfg|conf|properties|ya?ml|sh|bash|zsh|ksh|md|txt|tfvars)|Dockerfile[^/]*|[^/]*\.dockerfile|Containerfile|[^/]*\.envrc)$/i;

export const genericAssignmentRules: readonly Rule[] = [
  defineRule({
    id: 'generic-secret-assignment',
    provider: 'Generic',
    // matches start at the name (or `<tag>`, or the line's indent) on the keyword's line
    startsOnKeywordLine: true,
    description: 'Secret-like name assigned a quoted literal (Python, JS/TS, Go, JSON, YAML, TOML, shell, Dockerfile)',
    severity: 'medium',
    keywords: GENERIC_KEYWORDS,
    regex: new RegExp(
      `(?<![A-Za-z0-9_.-])${NAME}['"\`]?\\]?${TYPE_ANNOTATION}\\s{0,5}(?:=>|:=|\\?\\?=|\\|\\|=|=|:)\\s{0,5}[rbuf]{0,2}(?<q>['"\`])(?<secret>[^'"\`\\s\\\\]{8,200})\\k<q>`,
      'gi',
    ),
    validate: plausibleGenericSecret,
  }),
  defineRule({
    id: 'generic-secret-unquoted',
    provider: 'Generic',
    // matches start at the name (or `<tag>`, or the line's indent) on the keyword's line
    startsOnKeywordLine: true,
    description: 'Secret-like name assigned an unquoted value in .env, INI, YAML, shell, Dockerfile (ENV/ARG) and docs',
    severity: 'medium',
    keywords: GENERIC_KEYWORDS,
    regex: new RegExp(
      `^[ \\t]{0,20}(?:export[ \\t]{1,5}|ENV[ \\t]{1,5}|ARG[ \\t]{1,5}|set[ \\t]{1,5}|-[ \\t]{1,5})?${NAME}[ \\t]{0,5}(?:=|:)[ \\t]{0,5}(?<secret>[^\\s'"\`#;,{}()\\[\\]<>|\\\\]{8,200})[ \\t]{0,20}(?:[ \\t]#[^\\n]{0,500})?\\r?$`,
      'gim',
    ),
    // the path check stays in validate too: it keeps the rule-set hash (and history caches) as they were
    path: UNQUOTED_FILES,
    validate: (secret, context) => UNQUOTED_FILES.test(context.path) && plausibleGenericSecret(secret, context),
  }),
  defineRule({
    id: 'generic-secret-xml',
    provider: 'Generic',
    // matches start at the name (or `<tag>`, or the line's indent) on the keyword's line
    startsOnKeywordLine: true,
    description: 'Secret-like XML element with a literal (Maven settings.xml, .NET config)',
    severity: 'medium',
    keywords: GENERIC_KEYWORDS,
    regex: new RegExp(`<(?<tag>${NAME})>(?<secret>[^<>\\s]{8,200})</\\k<tag>>`, 'gi'),
    validate: plausibleGenericSecret,
  }),
  defineRule({
    id: 'generic-connection-string-password',
    provider: 'Generic',
    // matches start at the name (or `<tag>`, or the line's indent) on the keyword's line
    startsOnKeywordLine: true,
    description: 'Password in an ADO.NET / ODBC / JDBC-style connection string (…;Password=…;)',
    severity: 'high',
    keywords: ['password', 'pwd'],
    regex: /(?<=[;"'\s]|^)(?:password|pwd)\s{0,3}=\s{0,3}(?<secret>[^;'"\s]{6,128})(?=\s{0,3}(?:;|"|'|$))/gim,
    validate: (secret, context) =>
      /(?:server|data source|host|uid|user id|username|database|initial catalog)\s{0,3}=/i.test(context.line) &&
      shannonEntropy(secret) >= 2.5,
  }),
];
