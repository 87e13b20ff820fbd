import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { compileMaskSet } from '../redact/stream-masker.js';
import { exitStatus, lookupCommand, superviseChild } from './child-supervisor.js';

function sink(): { stream: Writable; text: () => string } {
  const chunks: Buffer[] = [];
  return {
    stream: new Writable({
      write(c: Buffer, _e, cb) {
        chunks.push(c);
        cb();
      },
    }),
    text: () => Buffer.concat(chunks).toString('utf8'),
  };
}

const env = { PATH: process.env.PATH ?? '/usr/bin:/bin' };

describe('child supervisor', () => {
  it('computes shell-like exit statuses', () => {
    expect(exitStatus(0, null)).toBe(0);
    expect(exitStatus(3, null)).toBe(3);
    expect(exitStatus(null, 'SIGTERM')).toBe(143);
    expect(exitStatus(null, 'SIGKILL')).toBe(137);
    expect(exitStatus(null, 'SIGINT')).toBe(130);
  });

  it('looks commands up like execvp', () => {
    expect(lookupCommand('sh', env)).toEqual({ found: true });
    expect(lookupCommand('no-such-cmd-xyz', env)).toMatchObject({ found: false, exitCode: 127 });
    expect(lookupCommand('/etc/passwd', env)).toMatchObject({ found: false, exitCode: 126 });
    expect(lookupCommand('./nope/x', env)).toMatchObject({ found: false, exitCode: 127 });
  });

  it('masks stdout and stderr separately, including a secret split across writes by a python child', async () => {
    const out = sink();
    const err = sink();
    const secret = 'split-secret-ünï-42';
    const code = [
      'import sys, time, os',
      "s = os.environ['S'].encode()",
      'for i in range(len(s)):',
      '    sys.stdout.buffer.write(s[i:i+1]); sys.stdout.buffer.flush()',
      '    if i % 5 == 0: time.sleep(0.01)',
      "sys.stdout.buffer.write(b' | '); sys.stdout.buffer.flush()",
      "sys.stderr.buffer.write(s[:4]); sys.stderr.buffer.flush(); time.sleep(0.05)",
      "sys.stderr.buffer.write(s[4:] + b'!'); sys.stderr.buffer.flush()",
      "print('tail')",
    ].join('\n');
    const status = await superviseChild({
      command: 'python3',
      args: ['-c', code],
      env: { ...env, S: secret },
      mask: compileMaskSet([secret]),
      stdout: out.stream,
      stderr: err.stream,
    });
    expect(status).toBe(0);
    expect(out.text()).toBe('***** | tail\n');
    expect(err.text()).toBe('*****!');
  });

  it('passes statuses through, runs the clean-up, and reports a missing command', async () => {
    let cleaned = 0;
    const lines: string[] = [];
    const run = (command: string, args: string[]) =>
      superviseChild({ command, args, env, mask: compileMaskSet(['x-secret']), cleanup: () => cleaned++, log: (l) => lines.push(l), stdout: sink().stream, stderr: sink().stream });
    expect(await run('sh', ['-c', 'exit 5'])).toBe(5);
    expect(await run('sh', ['-c', 'kill -TERM $$'])).toBe(143);
    expect(await run('no-such-cmd-xyz', [])).toBe(127);
    expect(lines).toEqual(['hush run: no-such-cmd-xyz: command not found']);
    expect(cleaned).toBeGreaterThanOrEqual(3);
  });
});
