/**
 * @module The `database-url` check: would dj-database-url (and django-environ's `env.db()`)
 * read this `DATABASE_URL` as the database it names? They split the URL with Python's
 * `urllib.parse.urlsplit`, which ends the host part at the first `/`, `?` or `#`; so a password
 * with one of those characters not percent-encoded silently moves the rest of the URL into the
 * path, or makes the "port" non-numeric. This module splits the same way and says so, without
 * ever quoting the value (it contains the password).
 */

/** dj-database-url's schemes (its `SCHEMES` table). */
export const DATABASE_SCHEMES: ReadonlySet<string> = new Set([
  'postgres',
  'postgresql',
  'pgsql',
  'postgis',
  'mysql',
  'mysql2',
  'mysqlgis',
  'mysql-connector',
  'mssql',
  'mssqlms',
  'oracle',
  'oraclegis',
  'redshift',
  'cockroach',
  'timescale',
  'timescalegis',
  'mongodb',
  'mongodb+srv',
  'sqlite',
  'spatialite',
]);

/** File databases: no host, the path is the file. */
const FILE_SCHEMES = new Set(['sqlite', 'spatialite']);

const ENCODE_HINT = 'not a valid database URL (percent-encode / # ? @ : [ ] in the user name and password)';

/** What is wrong with `value` as a database URL, or `undefined`. Never quotes the value. */
export function checkDatabaseUrl(value: string): string | undefined {
  if (value === 'sqlite://:memory:') return undefined; // dj-database-url's special case
  const m = /^([A-Za-z][A-Za-z0-9+.-]*):(.*)$/s.exec(value);
  if (!m) return 'not a database URL (expected scheme://user:password@host:port/name)';
  const scheme = m[1]!.toLowerCase();
  if (!DATABASE_SCHEMES.has(scheme)) return 'not a database URL: unsupported scheme (use postgres://, mysql://, sqlite:///… as dj-database-url knows them)';
  const rest = m[2]!;
  if (!rest.startsWith('//')) return 'not a database URL (expected scheme://…)';
  const afterSlashes = rest.slice(2);
  const end = afterSlashes.search(/[/?#]/);
  const netloc = end < 0 ? afterSlashes : afterSlashes.slice(0, end);
  const tail = end < 0 ? '' : afterSlashes.slice(end);
  // An "@" after the host part: a "/", "?" or "#" in the password cut the URL short.
  if (tail.includes('@')) return ENCODE_HINT;
  const at = netloc.lastIndexOf('@');
  // Python refuses any "[" or "]" outside an IPv6 host ("Invalid IPv6 URL")
  if (at >= 0 && /[[\]]/.test(netloc.slice(0, at))) return ENCODE_HINT;
  const hostPort = at < 0 ? netloc : netloc.slice(at + 1);
  let host: string;
  let port: string | undefined;
  if (hostPort.startsWith('[')) {
    const close = hostPort.indexOf(']');
    if (close < 0) return ENCODE_HINT;
    host = hostPort.slice(1, close);
    const after = hostPort.slice(close + 1);
    if (after !== '' && !after.startsWith(':')) return ENCODE_HINT;
    port = after === '' ? undefined : after.slice(1);
  } else {
    if (hostPort.includes('[') || hostPort.includes(']')) return ENCODE_HINT;
    const colon = hostPort.indexOf(':');
    host = colon < 0 ? hostPort : hostPort.slice(0, colon);
    port = colon < 0 ? undefined : hostPort.slice(colon + 1);
  }
  if (port !== undefined && port !== '') {
    if (!/^\d+$/.test(port)) return ENCODE_HINT;
    if (Number(port) > 65535) return 'not a valid database URL: the port is above 65535';
  }
  if (FILE_SCHEMES.has(scheme)) return undefined;
  if (host === '') return 'not a valid database URL: no host';
  return undefined;
}
