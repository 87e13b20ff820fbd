import { describe, expect, it } from 'vitest';
import { shannonEntropy } from './entropy.js';
import { isDictionaryValue, isFalsePositive, isLowVariety } from './false-positive.js';

const generic = (secret: string, line = `password = "${secret}"`, path = 'app/settings.py') =>
  isFalsePositive(secret, { line, path, ruleId: 'generic-secret-assignment' });

describe('isFalsePositive', () => {
  it('drops placeholders, templates and lookups', () => {
    for (const v of ['changeme', 'xxxxxxxxxxxx', '<your-key>', 'your_api_key_here', '${DB_PASSWORD}', '$DB_PASSWORD', '{{ .Values.pw }}', '%(password)s', 'os.environ["X"]', 'os.getenv("X")', 'env("X")', 'process.env.X', 'config("x")', 'None', 'null', 'true', '********', 'REDACTED', 'dummy-value-1', 'example-key-123', 'sample_secret_9']) {
      expect(generic(v), v).toBe(true);
    }
  });

  it('drops documented example keys for every rule', () => {
    expect(isFalsePositive('AKIAIOSFODNN7EXAMPLE', { line: 'key = AKIAIOSFODNN7EXAMPLE', path: 'a.ini', ruleId: 'aws-access-key-id' })).toBe(true);
    expect(isFalsePositive('wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', { line: '', path: 'a.ini', ruleId: 'aws-secret-access-key' })).toBe(true);
    expect(isFalsePositive('sk_test_4eC39HqLyjWDarjtT1zdp7dc', { line: '', path: 'a.md', ruleId: 'stripe-secret-key-test' })).toBe(true);
  });

  it('drops UUIDs, digests, sequences, repeats, dictionary words, paths, URLs and calls in generic context', () => {
    for (const v of ['3f2504e0-4f89-41d3-9a0c-0305e82c3301', 'd41d8cd98f00b204e9800998ecf8427e', 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855', 'sha256:abcdef0123', 'abcdefghijkl', '123456789012', 'zzzzzzzzzzzz', 'correct-horse-battery-staple', 'MySecretPassword123', '/etc/ssl/private/server.key', 'https://auth.internal/token', 'get_password()', 'API_TOKEN_NAME']) {
      expect(generic(v), v).toBe(true);
    }
  });

  it('drops generic hits in lock files and template files, and test values in test paths', () => {
    expect(isFalsePositive('Xk29fPqL0aZt8sWq1bVn', { line: 'token = "Xk29fPqL0aZt8sWq1bVn"', path: 'yarn.lock', ruleId: 'generic-secret-assignment' })).toBe(true);
    expect(isFalsePositive('Xk29fPqL0aZt8sWq1bVn', { line: 'TOKEN=Xk29fPqL0aZt8sWq1bVn', path: '.env.example', ruleId: 'generic-secret-unquoted' })).toBe(true);
    expect(isFalsePositive('sk_test_Xk29fPqL0aZt8sWq1bVn7Hg', { line: 'KEY = "sk_test_Xk29fPqL0aZt8sWq1bVn7Hg"', path: 'tests/test_pay.py', ruleId: 'stripe-secret-key-test' })).toBe(true);
  });

  it('keeps real-looking values', () => {
    expect(generic('Xk29fPqL0aZt8sWq1bVn')).toBe(false);
    expect(generic('hR7%kq2!Lm9x')).toBe(false);
    expect(isFalsePositive('sk_test_Xk29fPqL0aZt8sWq1bVn7Hg', { line: 'KEY = "sk_test_Xk29fPqL0aZt8sWq1bVn7Hg"', path: 'app/billing.py', ruleId: 'stripe-secret-key-test' })).toBe(false);
  });

  it('judges base64 values (Kubernetes data:) by their decoded text', () => {
    const enc = (s: string) => Buffer.from(s).toString('base64');
    expect(isFalsePositive(enc('changeme'), { line: `  password: ${enc('changeme')}`, path: 'k8s/secret.yaml', ruleId: 'generic-secret-unquoted' })).toBe(true);
    expect(isFalsePositive(enc('Xk29fPqL0aZt8sWq'), { line: `  password: ${enc('Xk29fPqL0aZt8sWq')}`, path: 'k8s/secret.yaml', ruleId: 'generic-secret-unquoted' })).toBe(false);
  });
});

describe('helpers', () => {
  it('computes Shannon entropy', () => {
    expect(shannonEntropy('')).toBe(0);
    expect(shannonEntropy('aaaa')).toBe(0);
    expect(shannonEntropy('abcd')).toBeCloseTo(2);
  });
  it('flags low variety and dictionary values', () => {
    expect(isLowVariety('abcdefgh')).toBe(true);
    expect(isLowVariety('12121212')).toBe(true);
    expect(isLowVariety('q8Zr2LmX')).toBe(false);
    expect(isDictionaryValue('super-secret-token')).toBe(true);
    expect(isDictionaryValue('q8Zr2LmX')).toBe(false);
  });
});
