import { describe, expect, it } from 'vitest';
import { checkEnvironment } from './check-environment.js';
import { parseTomlContract } from './toml-contract.js';

const contract = parseTomlContract(
  `
[env]
DATABASE_URL = "database-url"
SECRET_KEY = { min_length = 10 }
DEBUG = { type = "bool", default = false }
PORT = { type = "int", max = 65535 }
SENTRY_DSN = { type = "url", optional = true }
ALLOWED_HOSTS = "list"
`,
  'hush.toml',
);

describe('checkEnvironment', () => {
  it('reports every problem at once, in contract order, by name', () => {
    const r = checkEnvironment(contract, { SECRET_KEY: 'short', DEBUG: 'maybe', PORT: '70000', ALLOWED_HOSTS: '', PATH: '/bin' });
    expect(r.problems).toEqual([
      { name: 'DATABASE_URL', problem: 'missing' },
      { name: 'SECRET_KEY', problem: 'shorter than 10 characters' },
      { name: 'DEBUG', problem: 'not a bool (use true/false, yes/no, on/off or 1/0)' },
      { name: 'PORT', problem: 'above max 65535' },
      { name: 'ALLOWED_HOSTS', problem: 'empty' },
    ]);
    expect(r.checked).toBe(6);
  });

  it('passes a complete environment and lists the unset variables that take their default', () => {
    const r = checkEnvironment(contract, {
      DATABASE_URL: 'postgres://app:pw@db/app',
      SECRET_KEY: 'x'.repeat(50),
      PORT: '8000',
      SENTRY_DSN: '',
      ALLOWED_HOSTS: 'example.com',
    });
    expect(r.problems).toEqual([]);
    expect([...r.defaults]).toEqual([['DEBUG', 'false']]);
  });

  it('does not apply a default over a value that is set, even empty', () => {
    const r = checkEnvironment(contract, { DATABASE_URL: 'sqlite:///db', SECRET_KEY: 'x'.repeat(10), DEBUG: '', PORT: '1', ALLOWED_HOSTS: 'a' });
    expect(r.problems).toEqual([]);
    expect(r.defaults.size).toBe(0);
  });
});
