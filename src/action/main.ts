/**
 * @module Entry point of the action's main step (`runs.main` in action.yml, bundled to
 * action/dist/main.js). Only entry points set the exit code.
 */
import { runMain } from './run-main.js';

process.exitCode = await runMain(process.env, process.stdout);
