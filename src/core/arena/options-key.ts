import type { ArenaOptions } from './types';

/** One estimate's build, as a cache key: estimates for different builds differ (the hover's and the inspector's caches). */
export const arenaOptionsKey = (o: Required<ArenaOptions>): string => `${o.target}/${o.kernels}/${o.isa}/${o.marginPercent}`;
