export { mulberry32 } from '../../src/core/common/seeded-random';
