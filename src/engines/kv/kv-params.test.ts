import { describe, expect, it } from 'vitest';
import { HushError } from '../../lib/errors.js';
import { engineRequest } from '../testing/engine-request.js';
import {
  boolField,
  casOption,
  checkKeyPath,
  customMetadataField,
  field,
  folderPath,
  intField,
  isMergePatch,
  versionsField,
} from './kv-params.js';

const secret = 'Sup3r-S3cret-Param';
const message = (fn: () => unknown): string => {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(HushError);
    return (err as HushError).message;
  }
  throw new Error('expected a throw');
};

describe('kv params', () => {
  it('reads fields from the body, then the query string', () => {
    const req = engineRequest({ operation: 'read', path: 'x', data: { a: 1 }, query: { a: '2', b: '3' } });
    expect(field(req, 'a')).toBe(1);
    expect(field(req, 'b')).toBe('3');
    expect(field(req, 'c')).toBeUndefined();
  });

  it('coerces integers and booleans like Vault', () => {
    expect(intField('12', 'n')).toBe(12);
    expect(intField(3, 'n')).toBe(3);
    expect(intField(undefined, 'n')).toBeUndefined();
    expect(intField('', 'n')).toBeUndefined();
    expect(boolField('true', 'b')).toBe(true);
    expect(boolField(false, 'b')).toBe(false);
    for (const bad of [1.5, -2, '1e3', secret]) expect(message(() => intField(bad, 'n'))).not.toContain(String(bad));
    expect(message(() => boolField(secret, 'b'))).not.toContain(secret);
  });

  it('reads versions as a list, a comma string or one number', () => {
    expect(versionsField([1, '2'])).toEqual([1, 2]);
    expect(versionsField('3, 4,')).toEqual([3, 4]);
    expect(versionsField(5)).toEqual([5]);
    expect(message(() => versionsField(undefined))).toBe('no version number provided');
    expect(message(() => versionsField(''))).toBe('no version number provided');
    expect(message(() => versionsField([secret]))).not.toContain(secret);
  });

  it('reads options.cas', () => {
    const req = (data: Record<string, unknown>) => engineRequest({ operation: 'update', path: 'x', data });
    expect(casOption(req({}))).toBeUndefined();
    expect(casOption(req({ options: {} }))).toBeUndefined();
    expect(casOption(req({ options: { cas: 0 } }))).toBe(0);
    expect(message(() => casOption(req({ options: { cas: secret } })))).not.toContain(secret);
  });

  it('checks key paths and folders', () => {
    expect(checkKeyPath('a/b')).toBe('a/b');
    for (const bad of ['', '/a', 'a/', 'a//b', './a', 'a/..']) expect(message(() => checkKeyPath(bad))).toBe('invalid key path');
    expect(folderPath('')).toBe('');
    expect(folderPath('/')).toBe('');
    expect(folderPath('a/b')).toBe('a/b/');
    expect(folderPath('a/b/')).toBe('a/b/');
  });

  it('validates custom_metadata without echoing values', () => {
    expect(customMetadataField({ a: 'x', n: 2 })).toEqual({ a: 'x', n: '2' });
    expect(customMetadataField({ a: null }, true)).toEqual({ a: null });
    expect(message(() => customMetadataField({ a: null }))).not.toContain('null');
    expect(message(() => customMetadataField({ a: `${secret}\u0001` }))).not.toContain(secret);
  });

  it('recognises the merge-patch content type', () => {
    const req = (type?: string) =>
      engineRequest({ operation: 'patch', path: 'x', headers: type === undefined ? {} : { 'content-type': type } });
    expect(isMergePatch(req('application/merge-patch+json'))).toBe(true);
    expect(isMergePatch(req('application/merge-patch+json; charset=utf-8'))).toBe(true);
    expect(isMergePatch(req('application/json'))).toBe(false);
    expect(isMergePatch(req())).toBe(false);
  });
});
