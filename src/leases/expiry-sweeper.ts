/**
 * @module Removes expired data from storage in the background, every few minutes while the
 * server is unsealed: expired tokens first, then what auth methods keep that expires (AppRole's
 * secret IDs). Validity never waits for it: a lookup refuses an expired token and revokes it on
 * sight, a login refuses an expired secret ID. The sweep is for what nobody presents again (a CI
 * job's token and secret ID, once the job is over), which would otherwise stay in storage for good.
 */

/** One kind of expired data a sweep removes; resolves to how much it removed, and stops early
 * once `signal` is aborted. */
export type SweepTask = (signal: AbortSignal) => Promise<number>;

/** Default time between two sweeps. */
export const DEFAULT_SWEEP_INTERVAL_MS = 10 * 60 * 1000;

export class ExpirySweeper {
  readonly #tokens: SweepTask;
  readonly #others: () => Iterable<SweepTask>;
  readonly #stopping = new AbortController();
  readonly #timer: NodeJS.Timeout;
  #tokenSweep: Promise<number> | undefined;
  #round: Promise<void> | undefined;

  /**
   * Starts sweeping every `intervalMs` (the timer does not keep the process alive): `tokens`,
   * then each of `others()` (asked anew each round: auth mounts come and go).
   */
  constructor(tokens: SweepTask, others: () => Iterable<SweepTask>, intervalMs = DEFAULT_SWEEP_INTERVAL_MS) {
    this.#tokens = tokens;
    this.#others = others;
    this.#timer = setInterval(() => {
      this.#round ??= this.#sweepAll().finally(() => {
        this.#round = undefined;
      });
    }, intervalMs);
    this.#timer.unref();
  }

  /** Sweeps expired tokens now, or joins the token sweep in progress; resolves to how many
   * invalid tokens it revoked. */
  sweepTokens(): Promise<number> {
    this.#tokenSweep ??= this.#tokens(this.#stopping.signal).finally(() => {
      this.#tokenSweep = undefined;
    });
    return this.#tokenSweep;
  }

  /** Stops the timer and cuts a sweep in progress short (before a seal). */
  async stop(): Promise<void> {
    clearInterval(this.#timer);
    this.#stopping.abort();
    await Promise.all([this.#tokenSweep?.catch(() => undefined), this.#round]);
  }

  /** One round; a failing task (sealed meanwhile, storage unavailable) waits for the next. */
  async #sweepAll(): Promise<void> {
    await this.sweepTokens().catch(() => undefined);
    for (const task of this.#others()) {
      if (this.#stopping.signal.aborted) return;
      await task(this.#stopping.signal).catch(() => undefined);
    }
  }
}
