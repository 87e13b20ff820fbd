/**
 * @module Entry point of the action's post step (`runs.post` in action.yml, bundled to
 * action/dist/post.js): revokes the token when the job ends.
 */
import { runPost } from './run-post.js';

process.exitCode = await runPost(process.env, process.stdout);
