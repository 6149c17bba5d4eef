/**
 * The user's firmware project: its files as a snapshot, which kind of project it is (PlatformIO, Arduino, ESP-IDF,
 * Zephyr, CMake, ...) and the build-file edits an export needs. Reading its C/C++ sources for the arena hover lives
 * beside these (locate-model, arena-constants, ...) and is imported by path: it needs Node's `path`.
 */
export * from './project-snapshot';
export * from './project-detect';
export { buildChanges, type PlannedEdit, type BuildChanges } from './project-edits';
export * from './export-plan';
