import { describe, expect, it } from 'vitest';
import { HushError, internalError } from '../lib/errors.js';
import { renderCoreResponse, renderError } from './response-rendering.js';

const json = (body: Buffer | null): unknown => (body === null ? null : JSON.parse(body.toString('utf8')));

describe('renderCoreResponse', () => {
  it('keeps Vault’s key order and nulls', () => {
    const { status, body } = renderCoreResponse('r', { data: { a: 1 } });
    expect(status).toBe(200);
    expect(Object.keys(json(body) as object)).toEqual([
      'request_id', 'lease_id', 'renewable', 'lease_duration', 'data', 'wrap_info', 'warnings', 'auth',
    ]);
  });

  it('answers 204 for nothing, and empty warnings count as nothing', () => {
    expect(renderCoreResponse('r', {})).toEqual({ status: 204, body: null });
    expect(renderCoreResponse('r', { warnings: [], data: null })).toEqual({ status: 204, body: null });
  });

  it('renders an explicit non-204 status even without content', () => {
    const { status, body } = renderCoreResponse('r', { status: 200 });
    expect(status).toBe(200);
    expect(json(body)).toMatchObject({ data: null });
  });

  it('renders the errors of a 404 that also carries data (KV v2 deleted version)', () => {
    const { status, body } = renderCoreResponse('r', { status: 404, data: { metadata: {} }, errors: [] });
    expect(status).toBe(404);
    expect(json(body)).toMatchObject({ data: { metadata: {} }, errors: [] });
  });

  it('renders mount_type when the core provides it', () => {
    const res = { data: { a: 1 }, mountType: 'kv' };
    expect(json(renderCoreResponse('r', res).body)).toMatchObject({ mount_type: 'kv' });
  });

  it('never lets copied data overwrite the envelope', () => {
    const body = json(renderCoreResponse('r', { data: { request_id: 'evil', x: 1 }, copyDataToTopLevel: true }).body);
    expect(body).toMatchObject({ request_id: 'r', x: 1 });
  });

  it('wrapped responses carry no lease and no data', () => {
    const wrapInfo = { token: 't', accessor: 'a', ttl: 5, creation_time: 'c', creation_path: 'p' };
    const body = json(renderCoreResponse('r', { data: { s: 1 }, leaseId: 'l', leaseDuration: 9, wrapInfo }).body);
    expect(body).toMatchObject({ lease_id: '', lease_duration: 0, data: null, wrap_info: wrapInfo });
  });
});

describe('renderError', () => {
  it('logs the cause of an internal HushError, not the client message', () => {
    const logged: string[] = [];
    const { status, body } = renderError(internalError(new Error('disk on fire')), 'r', (m) => logged.push(m));
    expect(status).toBe(500);
    expect(json(body)).toEqual({ errors: ['internal error'] });
    expect(logged).toHaveLength(1);
    expect(logged[0]).toContain('disk on fire');
  });

  it('does not log client errors', () => {
    const logged: string[] = [];
    renderError(new HushError('permission_denied', 'permission denied'), 'r', (m) => logged.push(m));
    expect(logged).toEqual([]);
  });

  it('renders several messages', () => {
    const err = new HushError('bad_request', 'x', { messages: ['one', 'two'] });
    expect(json(renderError(err, 'r').body)).toEqual({ errors: ['one', 'two'] });
  });

  it('describes thrown non-errors without printing them', () => {
    const logged: string[] = [];
    renderError({ password: 'hunter2' }, 'r', (m) => logged.push(m));
    expect(logged[0]).not.toContain('hunter2');
  });
});
