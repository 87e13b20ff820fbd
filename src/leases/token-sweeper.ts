/**
 * @module Removes expired tokens from storage in the background, every few minutes while the
 * server is unsealed. Validity never waits for it: a lookup refuses an expired token and revokes
 * it on sight. The sweep is for the tokens nobody presents again (a CI job's, once the job is
 * over), which would otherwise stay in storage for good.
 */
import type { TokenStore } from '../auth/token-types.js';

/** Default time between two sweeps. */
export const DEFAULT_TOKEN_SWEEP_INTERVAL_MS = 10 * 60 * 1000;

export class TokenSweeper {
  readonly #store: TokenStore;
  readonly #stopping = new AbortController();
  readonly #timer: NodeJS.Timeout;
  #running: Promise<number> | undefined;

  /** Starts sweeping every `intervalMs`; the timer does not keep the process alive. */
  constructor(store: TokenStore, intervalMs = DEFAULT_TOKEN_SWEEP_INTERVAL_MS) {
    this.#store = store;
    this.#timer = setInterval(() => {
      // A failure (sealed meanwhile, storage unavailable) waits for the next round.
      this.sweep().catch(() => undefined);
    }, intervalMs);
    this.#timer.unref();
  }

  /** Sweeps now, or joins the sweep in progress; resolves to how many invalid tokens it found. */
  sweep(): Promise<number> {
    this.#running ??= this.#store.tidy(this.#stopping.signal).finally(() => {
      this.#running = undefined;
    });
    return this.#running;
  }

  /** Stops the timer and cuts a sweep in progress short (before a seal). */
  async stop(): Promise<void> {
    clearInterval(this.#timer);
    this.#stopping.abort();
    await this.#running?.catch(() => undefined);
  }
}
