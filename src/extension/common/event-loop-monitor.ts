import { monitorEventLoopDelay } from 'node:perf_hooks';

/**
 * Measures the longest stall of the extension host's event loop over a span of work, in ms: how the budget "nothing
 * blocks the host for more than 50 ms" is checked for long commands.
 */
export function blockMonitor(): { stop(): number } {
  const h = monitorEventLoopDelay({ resolution: 10 });
  h.enable();
  return {
    stop() {
      h.disable();
      // The histogram counts the delay beyond the resolution tick.
      return Math.round(h.max / 1e6);
    },
  };
}
