import { describe, expect, it } from 'vitest';
import { renderGithubEnv } from './github-env-format.js';

describe('github-env format', () => {
  it('writes heredoc blocks with a delimiter that does not occur in the value', () => {
    const randoms = ['taken', 'free'];
    const { block } = renderGithubEnv(new Map([['K', 'a\nghadelimiter_taken\nb']]), () => randoms.shift()!);
    expect(block).toBe('K<<ghadelimiter_free\na\nghadelimiter_taken\nb\nghadelimiter_free\n');
  });

  it('masks every non-blank line of every value, escaping % as the runner expects', () => {
    const { masks } = renderGithubEnv(
      new Map([
        ['A', 'line1\r\n\n  \nline 2 100%\n'],
        ['B', ''],
        ['C', '%0A'],
      ]),
    );
    expect(masks).toBe('::add-mask::line1\n::add-mask::line 2 100%25\n::add-mask::%250A\n');
  });

  it('refuses names that are not variable names, naming the key', () => {
    expect(() => renderGithubEnv(new Map([['A<<B', 'v']]))).toThrow(/^cannot export "A<<B" to \$GITHUB_ENV: not a valid variable name/);
  });
});
