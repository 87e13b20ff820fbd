// `npm test`: set up what is missing, build (end-to-end tests run the built `hush`), and run
// every test. Interop tests install their own clients (hvac in a virtualenv) under .cache/.
import { spawnSync } from 'node:child_process';
import { ensureBuilt, ensureInstalled } from './ensure-setup.mjs';

ensureInstalled();
ensureBuilt();
const result = spawnSync('npx', ['vitest', 'run', ...process.argv.slice(2)], {
  cwd: new URL('..', import.meta.url).pathname,
  stdio: 'inherit',
});
process.exit(result.status ?? 1);
