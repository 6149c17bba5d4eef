/**
 * The board a fit is for: the one asked for by id (`--board`, the `tinyml.fit.board` setting), else the one the
 * project's files name (board-detect.ts). Shared by `tinyml fit` and the editor, so both pick the same board and say
 * the same thing when they cannot.
 */
import { findBoard, suggestBoards, type BoardCatalog } from './board-catalog';
import { detectBoards, pickDetectedBoard, type DetectedBoard, type ReadProjectFile } from './board-detect';
import type { Board } from './boards';

export type BoardChoiceErrorKind = 'unknown-board' | 'not-in-catalog' | 'none-found';

export class BoardChoiceError extends Error {
  override readonly name = 'BoardChoiceError';
  constructor(readonly kind: BoardChoiceErrorKind, message: string) {
    super(message);
  }
}

export interface BoardChoice {
  board: Board;
  /** Set when the board came from the project's files. */
  detected?: DetectedBoard;
}

/** `where` names the project in the message ("in /path" for the CLI, "in the workspace" for the editor). */
export function chooseBoard(catalog: BoardCatalog, id: string | undefined, read: ReadProjectFile, where: string): BoardChoice {
  if (id !== undefined) {
    const board = findBoard(catalog, id);
    if (!board) {
      const near = suggestBoards(catalog, id);
      throw new BoardChoiceError('unknown-board', `unknown board '${id}'${near.length ? ` (did you mean ${near.join(', ')}?)` : ''}`);
    }
    return { board };
  }
  const found = detectBoards(read, catalog);
  const pick = pickDetectedBoard(found);
  if (!pick) {
    const named = found.map((d) => `'${d.raw}' in ${d.file}`).join(', ');
    throw named
      ? new BoardChoiceError('not-in-catalog', `the project names ${named}, which is not in the board catalog`)
      : new BoardChoiceError('none-found', `no board given and none found ${where} (platformio.ini, .vscode/arduino.json, sketch.yaml, sdkconfig, Zephyr BOARD)`);
  }
  return { board: catalog.byId.get(pick.boardId!)!, detected: pick };
}

/** "platformio.ini [nano33ble]: nano33ble" */
export function describeDetected(d: DetectedBoard): string {
  return `${d.file}${d.env ? ` [${d.env}]` : ''}: ${d.raw}${d.note ? ` (${d.note})` : ''}`;
}
