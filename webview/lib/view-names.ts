import type { ViewName } from '../../src/protocol/inspector';

/** The inspector's tabs, in page order. */
export const VIEW_NAMES: readonly ViewName[] = ['overview', 'operators', 'tensors', 'graph', 'weights', 'memory'];
