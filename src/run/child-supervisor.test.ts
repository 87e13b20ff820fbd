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

  it('keeps back-pressure with a slow output, losing and unmasking nothing', async () => {
    const secret = 'bp-secret-value-77';
    const chunks: Buffer[] = [];
    let writes = 0;
    const slow = new Writable({
      highWaterMark: 1024,
      write(c: Buffer, _e, cb) {
        chunks.push(c);
        // every few writes wait: the child must be paused, not buffered without end
        if (++writes % 8 === 0) setTimeout(cb, 2);
        else cb();
      },
    });
    const line = `line with ${secret} in it\n`;
    const status = await superviseChild({
      command: 'sh',
      args: ['-c', `i=0; while [ $i -lt 3000 ]; do printf '%s' "$L"; i=$((i+1)); done`],
      env: { ...env, L: line },
      mask: compileMaskSet([secret]),
      stdout: slow,
      stderr: sink().stream,
    });
    expect(status).toBe(0);
    const text = Buffer.concat(chunks).toString('utf8');
    expect(text).toBe('line with ***** in it\n'.repeat(3000));
  });

  it('stops reading when its own output fails (hush run … | head): the child gets EPIPE', async () => {
    const broken = new Writable({
      write(_c, _e, cb) {
        cb(Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }));
      },
    });
    broken.on('error', () => undefined);
    const status = await superviseChild({
      command: 'sh',
      args: ['-c', 'trap "" PIPE; while printf "output\\n"; do :; done; exit 9'],
      env,
      mask: compileMaskSet(['x-secret']),
      stdout: broken,
      stderr: sink().stream,
    });
    // printf fails once the read end is closed, and the loop ends
    expect(status).toBe(9);
  });
});
