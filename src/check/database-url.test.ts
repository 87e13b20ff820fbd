import { describe, expect, it } from 'vitest';
import { checkDatabaseUrl } from './database-url.js';

const BROKEN = /^not a valid database URL \(percent-encode/;

describe('checkDatabaseUrl (as dj-database-url reads DATABASE_URL)', () => {
  it('accepts the URLs dj-database-url knows', () => {
    for (const url of [
      'postgres://user:password@localhost:5432/dbname',
      'postgresql://user:pass@db.internal/app?sslmode=require',
      'pgsql://u:p@h/d',
      'postgis://u:p@h:5432/gis',
      'mysql://root:secret@127.0.0.1:3306/shop',
      'mysql2://u:p@h/d',
      'mysqlgis://u:p@h/d',
      'oracle://u:p@h:1521/XE',
      'mssql://u:p@h:1433/d',
      'redshift://u:p@cluster.example.com:5439/dev',
      'cockroach://u:p@h:26257/d',
      'timescale://u:p@h/d',
      'mongodb+srv://u:p@cluster0.example.net/d',
      'POSTGRES://u:p@h/d',
      'postgres://u:p%2Fw%23d%3F@h:5432/d',
      'postgres://u:p@ss@h:5432/d',
      'postgres://u:pa:ss@h/d',
      'postgres://h/d',
      'postgres://u:p@[::1]:5432/d',
      'postgres://%2Fvar%2Frun%2Fpostgresql/d',
    ]) {
      expect([url, checkDatabaseUrl(url)]).toEqual([url, undefined]);
    }
  });

  it('accepts sqlite without a host', () => {
    for (const url of ['sqlite:///db.sqlite3', 'sqlite:////var/app/db.sqlite3', 'sqlite://:memory:', 'sqlite://', 'spatialite:///geo.db']) {
      expect([url, checkDatabaseUrl(url)]).toEqual([url, undefined]);
    }
  });

  it('reports a password with an unencoded / # or ? as not a valid database URL', () => {
    expect(checkDatabaseUrl('postgres://u:pa/ss@h:5432/d')).toMatch(BROKEN);
    expect(checkDatabaseUrl('postgres://u:pa#ss@h:5432/d')).toMatch(BROKEN);
    expect(checkDatabaseUrl('postgres://u:pa?ss@h:5432/d')).toMatch(BROKEN);
    // all digits before the "/": Python reads a valid port and a wrong host, silently
    expect(checkDatabaseUrl('postgres://u:12/34@h:5432/d')).toMatch(BROKEN);
    expect(checkDatabaseUrl('postgres://u:p@h:54x2/d')).toMatch(BROKEN);
    expect(checkDatabaseUrl('postgres://u:p@[::1/d')).toMatch(BROKEN);
    expect(checkDatabaseUrl('postgres://u:p@h]/d')).toMatch(BROKEN);
    expect(checkDatabaseUrl('postgres://u:p[w]@h/d')).toMatch(BROKEN);
  });

  it('reports other mistakes', () => {
    expect(checkDatabaseUrl('localhost:5432/d')).toBe('not a database URL: unsupported scheme (use postgres://, mysql://, sqlite:///… as dj-database-url knows them)');
    expect(checkDatabaseUrl('http://h/d')).toMatch(/unsupported scheme/);
    expect(checkDatabaseUrl('postgress://u:p@h/d')).toMatch(/unsupported scheme/);
    expect(checkDatabaseUrl('just words')).toMatch(/^not a database URL/);
    expect(checkDatabaseUrl('postgres:u@h/d')).toBe('not a database URL (expected scheme://…)');
    expect(checkDatabaseUrl('postgres:///d')).toBe('not a valid database URL: no host');
    expect(checkDatabaseUrl('postgres://u:p@:5432/d')).toBe('not a valid database URL: no host');
    expect(checkDatabaseUrl('postgres://u:p@h:99999/d')).toBe('not a valid database URL: the port is above 65535');
  });
});
