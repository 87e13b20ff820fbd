// `npm start`: set up what is missing, build, and run `hush server --dev` (or the arguments
// given after `npm start --`).
import { spawn } from 'node:child_process';
import { ensureBuilt, ensureInstalled } from './ensure-setup.mjs';

ensureInstalled();
ensureBuilt();
const { SERVER_NODE_OPTIONS, serverEnvironment } = await import('../dist/config/server-node-options.js');
const args = process.argv.slice(2);
const child = spawn(process.execPath, [...SERVER_NODE_OPTIONS, 'dist/cli/main.js', 'server', ...(args.length > 0 ? args : ['--dev'])], {
  cwd: new URL('..', import.meta.url).pathname,
  env: serverEnvironment(process.env),
  stdio: 'inherit',
});
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
