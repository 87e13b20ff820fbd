import { describe, expect, it } from 'vitest';
import { parseEnvFile } from '../run/env-file.js';
import { expandDotenvVariables } from './dotenv-expansion.js';

const expand = (text: string) => Object.fromEntries(expandDotenvVariables(parseEnvFile(text), 'app.env').map((e) => [e.name, e.value]));

describe('expandDotenvVariables (python-dotenv rules, file-only)', () => {
  it('expands ${NAME} from earlier entries in every kind of value, and defaults', () => {
    expect(
      expand(
        [
          'USER=app',
          'EMPTY=',
          'A="${USER}@host"',
          "B='${USER} in single quotes'",
          'C=${MISSING:-fallback}/${EMPTY:-not-used}',
          'D=$USER ${USER',
          'USER=${USER}2',
        ].join('\n'),
      ),
    ).toEqual({ USER: 'app2', EMPTY: '', A: 'app@host', B: 'app in single quotes', C: 'fallback/', D: '$USER ${USER' });
  });

  it('refuses a reference to something the file does not define before, naming key and reference', () => {
    expect(() => expand('A=x\nB=${LATER}\nLATER=1')).toThrow(/^app\.env:2: B refers to \$\{LATER\}, which the file does not define before it/);
    expect(() => expand('A=${HOME}')).toThrow(/--no-expand/);
    // not a variable name: likely part of a password, so not quoted
    expect(() => expand('A=pa${ss w0rd}x')).toThrow(/^app\.env:1: A refers to \$\{…\}, which the file does not define before it \(use --no-expand/);
    expect(() => expand('A=pa${ss w0rd}x')).not.toThrow(/w0rd/);
  });
});
