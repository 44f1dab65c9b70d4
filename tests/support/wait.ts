/**
 * Polling for tests that wait on something another task or process does: a configuration
 * change reaching a proxy, a background probe bringing a connection back.
 * @module
 */

/** Options of {@link waitFor}. */
export interface WaitOptions {
  /** Give up after this many ms. */
  timeoutMs: number;
  /** Pause between checks, in ms. Default 25. */
  intervalMs?: number;
}

/** What {@link waitFor} found, and how long it took from the call. */
export interface Waited<T> {
  value: T;
  elapsedMs: number;
}

/**
 * Calls `check` until it answers something other than `undefined`, then returns that value
 * with the time it took; throws naming `what` (and the last value `describe` gives) when
 * `timeoutMs` passes first. `check` runs at least once, and is never called twice at once.
 *
 * @example
 * ```ts
 * const { elapsedMs } = await waitFor("route /one on the second process", async () => {
 *   const r = await fetch(url);
 *   await r.body?.cancel();
 *   return r.status === 200 ? true : undefined;
 * }, { timeoutMs: 5000 });
 * ```
 */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined>,
  options: WaitOptions,
  describe: () => string = () => "",
): Promise<Waited<T>> {
  const start = performance.now();
  for (;;) {
    const value = await check();
    const elapsedMs = performance.now() - start;
    if (value !== undefined) return { value, elapsedMs };
    if (elapsedMs >= options.timeoutMs) {
      const last = describe();
      throw new Error(
        `waited ${Math.round(elapsedMs)} ms for ${what}, in vain${last ? `; last: ${last}` : ""}`,
      );
    }
    await new Promise((r) => setTimeout(r, options.intervalMs ?? 25));
  }
}

/**
 * Waits until `cond` holds, polling every 25 ms; fails naming `what` after `timeoutMs`
 * (default 5000). The boolean form of {@link waitFor}.
 */
export async function waitUntil(
  cond: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 5000,
): Promise<void> {
  await waitFor(what, async () => (await cond()) || undefined, { timeoutMs });
}
