/** Polls `probe` until it returns a value (not undefined or false), or fails after `timeoutMs` naming what it waited for. */
export async function waitFor<T>(what: string, probe: () => T | undefined | false, timeoutMs = 20_000, intervalMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/**
 * Repeats a UI action until `running` (a command) settles: accepting or closing the QuickPick it shows, which is a
 * no-op while none is open yet (a pick whose items have not arrived ignores Enter too). Waits for the command's own
 * progress instead of guessing how long the QuickPick takes to appear.
 */
export async function untilSettled<T>(what: string, running: Thenable<T>, action: () => Thenable<unknown>, timeoutMs = 30_000, intervalMs = 150): Promise<T> {
  let settled = false;
  const done = Promise.resolve(running).finally(() => { settled = true; });
  done.catch(() => undefined);
  const deadline = Date.now() + timeoutMs;
  while (!settled) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await action();
    await Promise.race([done, new Promise((resolve) => setTimeout(resolve, intervalMs))]).catch(() => undefined);
  }
  return done;
}
