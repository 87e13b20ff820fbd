import { describe, expect, it } from 'vitest';
import { auditAuthBlock, lineText, renderLine, requestBlock, responseBlock } from './audit-entry.js';
import type { AuditResponseInput } from './audit-entry.js';
import { buildRequestEntry, buildResponseEntry } from './testing/audit-entries.js';

const input: AuditResponseInput = {
  request: { id: 'r-1', operation: 'update', path: 'secret/data/app', data: { data: { K: 'v "quoted"\n' } }, clientToken: 't', clientTokenAccessor: 'a', mountType: 'kv', mountPoint: 'secret/' },
  auth: { clientToken: 't', accessor: 'a', policies: ['default'], tokenType: 'service' },
  response: { status: 200, data: { version: 2, created_time: '2026-01-01T00:00:00Z' }, warnings: ['w'] },
  error: 'denied',
};
const at = new Date('2026-11-23T12:00:00.000Z');

describe('renderLine', () => {
  it('writes the same JSON as serialising the whole entry, for request and response lines', () => {
    const shared = { time: at.toISOString(), auth: JSON.stringify(auditAuthBlock(input.auth!)), request: JSON.stringify(requestBlock(input.request)), error: input.error };
    expect(lineText(renderLine({ ...shared, type: 'request' }))).toBe(JSON.stringify(buildRequestEntry(input, at)));
    expect(lineText(renderLine({ ...shared, type: 'response', response: JSON.stringify(responseBlock(input)) }))).toBe(
      JSON.stringify(buildResponseEntry(input, at)),
    );
    expect(lineText(renderLine({ ...shared, type: 'request' }, 'hush: '))).toBe(`hush: ${JSON.stringify(buildRequestEntry(input, at))}`);
  });

  it('leaves out an absent auth block and an empty error', () => {
    const line = lineText(renderLine({ time: at.toISOString(), type: 'request', request: '{}', error: '' }));
    expect(JSON.parse(line)).toEqual({ time: at.toISOString(), type: 'request', request: {} });
  });
});
