/**
 * @module Connection URLs with a password: PostgreSQL, MySQL / MariaDB, Redis, RabbitMQ (AMQP),
 * MongoDB, SQL Server, SMTP, LDAP, FTP, and basic auth in http(s) URLs. The secret is the password
 * part; the false-positive filter drops placeholder passwords (`${DB_PASSWORD}`, `password`, …).
 */
import { defineRule } from './rule.js';
import type { Rule, Severity } from './rule.js';

const USER = "[A-Za-z0-9._~%!$&'()*+,;=-]{0,64}";
const PASSWORD = "[^\\s:@/'\"`<>]{1,128}";
const HOST = '[A-Za-z0-9._-]{1,253}';

function urlRule(id: string, provider: string, schemes: readonly string[], keywords: readonly string[], severity: Severity = 'critical') {
  return defineRule({
    id,
    provider,
    description: `${provider} connection URL with an embedded password`,
    severity,
    keywords,
    regex: new RegExp(`(?<![A-Za-z0-9+])(?:${schemes.join('|')})://${USER}:(?<secret>${PASSWORD})@${HOST}`, 'gi'),
  });
}

export const databaseUrlRules: readonly Rule[] = [
  urlRule('postgres-url-password', 'PostgreSQL', ['postgres', 'postgresql', 'postgis', 'postgresql\\+[a-z0-9]{2,16}'], ['postgres']),
  urlRule('mysql-url-password', 'MySQL', ['mysql', 'mysql\\+[a-z0-9]{2,16}', 'mysqlx', 'mariadb', 'jdbc:mysql'], ['mysql', 'mariadb']),
  urlRule('redis-url-password', 'Redis', ['redis', 'rediss', 'redis\\+sentinel', 'valkey'], ['redis', 'valkey']),
  urlRule('amqp-url-password', 'RabbitMQ', ['amqp', 'amqps'], ['amqp']),
  urlRule('mongodb-url-password', 'MongoDB', ['mongodb', 'mongodb\\+srv'], ['mongodb']),
  urlRule('mssql-url-password', 'SQL Server', ['mssql', 'sqlserver'], ['mssql', 'sqlserver']),
  urlRule('smtp-url-password', 'SMTP', ['smtp', 'smtps'], ['smtp'], 'high'),
  urlRule('ldap-url-password', 'LDAP', ['ldap', 'ldaps'], ['ldap'], 'high'),
  urlRule('ftp-url-password', 'FTP', ['ftp', 'sftp', 'ftps'], ['ftp'], 'high'),
  urlRule('http-basic-auth-url', 'HTTP basic auth', ['https?'], ['http'], 'high'),
];
