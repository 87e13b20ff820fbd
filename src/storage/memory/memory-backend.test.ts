import { describe, expect, it } from 'vitest';
import { isHushError } from '../../lib/errors.js';
import { describeStorage } from '../storage-conformance.js';
import { createMemoryBackend } from './memory-backend.js';

describeStorage('memory', async () => createMemoryBackend());

describe('memory backend', () => {
  it('reports its kind and refuses work after close', async () => {
    const backend = createMemoryBackend();
    expect(backend.kind).toBe('memory');
    await backend.close();
    await expect(backend.get('x')).rejects.toSatisfy((err: unknown) => isHushError(err, 'unavailable'));
  });
});
