import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfigFile, parseListenAddress } from './server-config.js';

const dir = mkdtempSync(join(tmpdir(), 'hush-config-'));
function file(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

describe('server configuration', () => {
  it('reads Vault-style HCL and the same settings as JSON', () => {
    const hcl = file(
      'server.hcl',
      `storage "sqlite" {
  path = "/var/lib/hush/hush.db"
}
listener "tcp" {
  address       = "0.0.0.0:8300"
  tls_cert_file = "/etc/hush/cert.pem"
  tls_key_file  = "/etc/hush/key.pem"
}
max_request_size = 1048576
`,
    );
    const json = file(
      'server.json',
      JSON.stringify({
        storage: { sqlite: { path: '/var/lib/hush/hush.db' } },
        listener: { tcp: { address: '0.0.0.0:8300', tls_cert_file: '/etc/hush/cert.pem', tls_key_file: '/etc/hush/key.pem' } },
        max_request_size: 1048576,
      }),
    );
    const expected = {
      storage: { type: 'sqlite', path: '/var/lib/hush/hush.db' },
      listen: { host: '0.0.0.0', port: 8300 },
      tls: { certFile: '/etc/hush/cert.pem', keyFile: '/etc/hush/key.pem', minVersion: 'TLSv1.2' },
      maxRequestBytes: 1048576,
      clusterName: 'hush',
    };
    expect(loadConfigFile(hcl)).toEqual(expected);
    expect(loadConfigFile(json)).toEqual(expected);
    expect(Object.isFrozen(loadConfigFile(hcl))).toBe(true);
  });

  it('refuses a listener without TLS unless tls_disable is set, and unknown keys', () => {
    const noTls = file('notls.hcl', 'storage "memory" {}\nlistener "tcp" { address = "127.0.0.1:8200" }\n');
    expect(() => loadConfigFile(noTls)).toThrow(/tls_cert_file and tls_key_file, or tls_disable/);
    const plain = file('plain.hcl', 'storage "memory" {}\nlistener "tcp" {\n  address = "127.0.0.1:8200"\n  tls_disable = true\n}\n');
    expect(loadConfigFile(plain).tls).toBeUndefined();
    const typo = file('typo.hcl', 'storage "memory" {}\nlistener "tcp" { tls_disable = true }\nmax_reqest_size = 5\n');
    expect(() => loadConfigFile(typo)).toThrow(/invalid configuration/);
    expect(() => loadConfigFile(join(dir, 'missing.hcl'))).toThrow(/cannot read configuration file/);
  });

  it('reads Vault\'s postgresql stanza, the URL from the file or the environment', () => {
    const listener = 'listener "tcp" {\n  tls_disable = true\n}\n';
    const full = file('pg.hcl', `storage "postgresql" {\n  connection_url = "postgres://h:pw@db:5432/hush"\n  table = "vault_kv"\n  max_parallel = "4"\n}\n${listener}`);
    expect(loadConfigFile(full, {}).storage).toEqual({ type: 'postgres', connectionUrl: 'postgres://h:pw@db:5432/hush', table: 'vault_kv', maxConnections: 4 });
    const bare = file('pg-env.hcl', `storage "postgresql" {}\n${listener}`);
    expect(loadConfigFile(bare, { VAULT_PG_CONNECTION_URL: 'postgres://v@db/x' }).storage).toEqual({ type: 'postgres', connectionUrl: 'postgres://v@db/x' });
    expect(loadConfigFile(bare, { HUSH_PG_CONNECTION_URL: 'postgres://h@db/x', VAULT_PG_CONNECTION_URL: 'postgres://v@db/x' }).storage).toMatchObject({ connectionUrl: 'postgres://h@db/x' });
    expect(() => loadConfigFile(bare, {})).toThrow(/storage "postgresql" needs connection_url \(or HUSH_PG_CONNECTION_URL/);
    const typo = file('pg-typo.hcl', `storage "postgresql" {\n  conection_url = "x"\n}\n${listener}`);
    expect(() => loadConfigFile(typo, {})).toThrow(/invalid configuration/);
  });

  it('passes tls_min_version to the listener', () => {
    const tls13 = file('tls13.hcl', 'storage "memory" {}\nlistener "tcp" {\n  tls_cert_file = "c"\n  tls_key_file = "k"\n  tls_min_version = "tls13"\n}\n');
    expect(loadConfigFile(tls13).tls).toEqual({ certFile: 'c', keyFile: 'k', minVersion: 'TLSv1.3' });
    const tls11 = file('tls11.hcl', 'storage "memory" {}\nlistener "tcp" {\n  tls_cert_file = "c"\n  tls_key_file = "k"\n  tls_min_version = "tls11"\n}\n');
    expect(() => loadConfigFile(tls11)).toThrow(/invalid configuration/);
  });

  it("reads the listener's x_forwarded_for options as Vault writes them", () => {
    const lb = file(
      'xff.hcl',
      'storage "memory" {}\nlistener "tcp" {\n  tls_disable = true\n  x_forwarded_for_authorized_addrs = "10.0.0.0/24, 192.0.2.7"\n  x_forwarded_for_hop_skips = "1"\n  x_forwarded_for_reject_not_present = "true"\n}\n',
    );
    expect(loadConfigFile(lb).forwardedFor).toEqual({ authorized: ['10.0.0.0/24', '192.0.2.7/32'], hopSkips: 1, rejectNotAuthorized: false, rejectNotPresent: true });
    const list = file('xff.json', JSON.stringify({ storage: { memory: {} }, listener: { tcp: { tls_disable: true, x_forwarded_for_authorized_addrs: ['fd00::/8'], x_forwarded_for_reject_not_authorized: true } } }));
    expect(loadConfigFile(list).forwardedFor).toEqual({ authorized: ['fd00::/8'], hopSkips: 0, rejectNotAuthorized: true, rejectNotPresent: false });
    expect(loadConfigFile(file('no-xff.hcl', 'storage "memory" {}\nlistener "tcp" { tls_disable = true }\n')).forwardedFor).toBeUndefined();
    const bad = file('bad-xff.hcl', 'storage "memory" {}\nlistener "tcp" {\n  tls_disable = true\n  x_forwarded_for_authorized_addrs = "10.0.0.0/33"\n}\n');
    expect(() => loadConfigFile(bad)).toThrow(/x_forwarded_for_authorized_addrs holds an invalid CIDR block/);
    const empty = file('empty-xff.hcl', 'storage "memory" {}\nlistener "tcp" {\n  tls_disable = true\n  x_forwarded_for_authorized_addrs = ""\n}\n');
    expect(() => loadConfigFile(empty)).toThrow(/x_forwarded_for_authorized_addrs lists no address/);
  });

  it("reads every flag with Go's ParseBool spellings, as Vault does, and refuses others", () => {
    const flags = file('flags.hcl', 'storage "memory" {}\nlistener "tcp" {\n  tls_disable = "TRUE"\n  x_forwarded_for_authorized_addrs = "10.0.0.1"\n  x_forwarded_for_reject_not_present = "T"\n}\n');
    expect(loadConfigFile(flags)).toMatchObject({ tls: undefined, forwardedFor: { rejectNotPresent: true } });
    const pg = file('flags-pg.hcl', 'storage "postgresql" {\n  connection_url = "postgres://h/db"\n  ha_enabled = "1"\n}\nlistener "tcp" { tls_disable = "1" }\n');
    expect(loadConfigFile(pg).storage).toMatchObject({ type: 'postgres', ha: true });
    const yes = file('flags-yes.hcl', 'storage "memory" {}\nlistener "tcp" { tls_disable = "yes" }\n');
    expect(() => loadConfigFile(yes)).toThrow(/tls_disable/);
  });

  it('parses listen addresses', () => {
    expect(parseListenAddress('127.0.0.1:8200')).toEqual({ host: '127.0.0.1', port: 8200 });
    expect(parseListenAddress('[::1]:8201')).toEqual({ host: '::1', port: 8201 });
    expect(() => parseListenAddress('localhost')).toThrow(/host:port/);
    expect(() => parseListenAddress('1.2.3.4:99999')).toThrow(/host:port/);
  });
});
