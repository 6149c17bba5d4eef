export * from './summary';
export * from './op-cost';
