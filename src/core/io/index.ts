// Node-only (reads and writes files): not re-exported by browser-safe indexes.
export * from './file-error';
export * from './bounded-read';
export * from './safe-write';
