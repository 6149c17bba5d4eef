/**
 * The one cancellation type of the extension's jobs is the AbortSignal (what the core engine and the worker RPC
 * take). VS Code hands out CancellationTokens: withAbort turns any number of them into one signal for a piece of work.
 */

/** What a vscode.CancellationToken offers (kept structural so this module needs no `vscode`). */
export interface CancellationLike {
  readonly isCancellationRequested: boolean;
  onCancellationRequested(listener: () => void): { dispose(): void };
}

/** Runs `work` with a signal that aborts when any token is cancelled (or already was); the listeners go when it settles. */
export async function withAbort<T>(tokens: readonly (CancellationLike | undefined)[], work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const abort = new AbortController();
  const subscriptions = tokens.flatMap((t) => (t ? [t.onCancellationRequested(() => abort.abort())] : []));
  if (tokens.some((t) => t?.isCancellationRequested)) abort.abort();
  try {
    return await work(abort.signal);
  } finally {
    for (const s of subscriptions) s.dispose();
  }
}
