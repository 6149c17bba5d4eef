/**
 * A picture of the workbench from inside a test: the extension host logs a request line that code-server-shim.ts
 * answers with Playwright's page.screenshot(), and the test waits for the file. Pictures go to
 * $TINYML_IT_SCREENSHOTS (default: the system's temp folder); the path is printed for a person to look at.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { waitFor } from './wait-for';

export async function screenshot(name: string): Promise<string> {
  const dir = process.env.TINYML_IT_SCREENSHOTS || os.tmpdir();
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${name}.png`);
  fs.rmSync(file, { force: true });
  console.log(`[tinyml-screenshot] ${file}`);
  // PNG written in one go by the shim; a non-empty file is the finished picture.
  await waitFor(`the screenshot ${file}`, () => fs.existsSync(file) && fs.statSync(file).size > 0, 20_000);
  console.log(`    screenshot: ${file}`);
  return file;
}
