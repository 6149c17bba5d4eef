/**
 * Recognizes the firmware project kinds TFLite Micro users work in and where each expects new sources: the folders
 * the build compiles, whether a build file must list them, and how TFLite Micro headers are included there.
 */
import {
  basename, dirname, IGNORED_DIRS, isInside, joinPath, type ProjectSnapshot,
} from './project-snapshot';

export const PROJECT_TYPES = ['platformio', 'arduino', 'esp-idf', 'zephyr', 'stm32cube', 'cmake', 'make'] as const;
export type FirmwareProjectType = (typeof PROJECT_TYPES)[number];
/** `folder`: no build system recognized; files go to the chosen folder as they are. */
export type ProjectType = FirmwareProjectType | 'folder';

/** How a new source file becomes part of the build. */
export type Registration =
  /** The build compiles every source in the folder (PlatformIO src/, Arduino sketch, STM32CubeIDE Core/). */
  | { kind: 'none' }
  /** ESP-IDF: list the files in `idf_component_register(SRCS ...)` of `file`. */
  | { kind: 'idf-component'; file: string }
  /** CMake (and Zephyr): `target_sources(<target> PRIVATE ...)` in `file`. */
  | { kind: 'cmake-target'; file: string; target: string }
  /** Make: append to the sources variable in `file`. */
  | { kind: 'make-variable'; file: string; variable: string }
  /** Not recognizable: tell the user what to add. */
  | { kind: 'manual'; hint: string };

export interface FirmwareProject {
  type: ProjectType;
  /** Project folder relative to the snapshot root ('' = the root itself). */
  root: string;
  /** Where generated sources go (snapshot-relative). */
  sourceDir: string;
  /** Where generated headers go (snapshot-relative; the same as sourceDir when the build has no include folder). */
  includeDir: string;
  /** C++ source extension this build compiles. */
  cppExtension: '.cc' | '.cpp';
  /** Arduino-style library header included before TFLite Micro headers (`TensorFlowLite.h`), if any. */
  arduinoLibraryHeader?: string;
  registration: Registration;
  /** Files that identified the project, for display. */
  evidence: string[];
  /** Things the user must do that we cannot do for them (add the TFLM library, enable C++ ...). */
  notes: string[];
}

/** Arduino libraries that package TFLite Micro, by the header a sketch includes first. */
const ARDUINO_TFLM_LIBRARIES: { header: string; names: RegExp }[] = [
  { header: 'Chirale_TensorFlowLite.h', names: /Chirale_TensorFlowLite/i },
  { header: 'TensorFlowLite_ESP32.h', names: /TensorFlowLite_ESP32/i },
  { header: 'TensorFlowLite.h', names: /Arduino_TensorFlowLite|(^|[\s/,])TensorFlowLite(\s|@|$|,)/im },
];
const DEFAULT_ARDUINO_HEADER = 'TensorFlowLite.h';

/** More specific kinds claim their folder (and sub-folders) before the generic CMake/Make/Arduino checks. */
const SPECIFIC: ReadonlySet<ProjectType> = new Set(['platformio', 'esp-idf', 'zephyr', 'stm32cube']);

function hasIgnoredSegment(p: string): boolean {
  return p.split('/').some((s) => IGNORED_DIRS.has(s));
}

function depth(dir: string): number {
  return dir === '' ? 0 : dir.split('/').length;
}

class Files {
  readonly all: string[];
  private readonly set: Set<string>;
  constructor(readonly snapshot: ProjectSnapshot) {
    this.all = snapshot.listFiles().filter((p) => !hasIgnoredSegment(p));
    this.set = new Set(this.all);
  }
  has(p: string): boolean {
    return this.set.has(p);
  }
  text(p: string): string {
    return this.set.has(p) ? (this.snapshot.readText(p) ?? '') : '';
  }
  /** The start of a source file, where its #includes are (sources may be huge generated arrays). */
  head(p: string): string {
    if (!this.set.has(p)) return '';
    return (this.snapshot.readHead ? this.snapshot.readHead(p, 65536) : this.snapshot.readText(p)) ?? '';
  }
  hasDir(dir: string): boolean {
    const prefix = `${dir}/`;
    return this.all.some((p) => p.startsWith(prefix));
  }
  inDir(dir: string): string[] {
    return this.all.filter((p) => dirname(p) === dir);
  }
}

/** `[section]` key values of an INI file (PlatformIO), last assignment wins; continuation lines are joined. */
function iniValues(text: string, section: RegExp, key: string): string[] {
  const values: string[] = [];
  let inSection = false;
  let current: string | undefined;
  const flush = (): void => {
    if (current !== undefined) values.push(current.trim());
    current = undefined;
  };
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.replace(/\s;.*$/, '');
    const header = /^\s*\[([^\]]+)\]/.exec(line);
    if (header) {
      flush();
      inSection = section.test(header[1]!);
      continue;
    }
    if (!inSection || /^\s*[;#]/.test(line)) continue;
    const kv = /^(\S[^=]*?)\s*=\s*(.*)$/.exec(line);
    if (kv) {
      flush();
      if (kv[1] === key) current = kv[2]!;
    } else if (current !== undefined && /^\s+\S/.test(line)) {
      current += `\n${line.trim()}`;
    } else if (line.trim() === '') {
      continue;
    } else {
      flush();
    }
  }
  flush();
  return values;
}

function arduinoHeaderFrom(texts: string[]): string | undefined {
  for (const t of texts) {
    const inc = /#include\s*[<"]([A-Za-z0-9_]*TensorFlowLite[A-Za-z0-9_]*\.h)[>"]/.exec(t);
    if (inc) return inc[1];
  }
  for (const t of texts) {
    for (const lib of ARDUINO_TFLM_LIBRARIES) if (lib.names.test(t)) return lib.header;
  }
  return undefined;
}

function platformio(f: Files, iniPath: string): FirmwareProject {
  const root = dirname(iniPath);
  const ini = f.text(iniPath);
  const dirOption = (key: string, fallback: string): string => {
    const v = iniValues(ini, /^platformio$/, key).pop();
    // `${PROJECT_DIR}/...` and absolute paths are not resolvable here; fall back to the default folder.
    return v && !v.includes('$') && !v.startsWith('/') ? v.replace(/^\.\//, '').replace(/\/$/, '') : fallback;
  };
  const sourceDir = joinPath(root, dirOption('src_dir', 'src'));
  const includeDir = joinPath(root, dirOption('include_dir', 'include'));
  const frameworks = iniValues(ini, /^env(:|$)/, 'framework').join(' ');
  const libDeps = iniValues(ini, /^env(:|$)/, 'lib_deps').join('\n');
  const notes: string[] = [];
  let arduinoLibraryHeader: string | undefined;
  if (/\barduino\b/.test(frameworks)) {
    const sources = f.all.filter((p) => isInside(sourceDir, p) && /\.(ino|cpp|cc|h|hpp)$/.test(p)).map((p) => f.head(p));
    arduinoLibraryHeader = arduinoHeaderFrom([...sources, libDeps]) ?? DEFAULT_ARDUINO_HEADER;
  }
  if (!/tflite|tensorflow|tflm/i.test(libDeps)) {
    notes.push(`${iniPath}: add a TensorFlow Lite Micro library to lib_deps for your board (none is listed).`);
  }
  return {
    type: 'platformio', root, sourceDir, includeDir, cppExtension: '.cpp', arduinoLibraryHeader,
    registration: { kind: 'none' }, evidence: [iniPath], notes,
  };
}

function arduino(f: Files, inoPath: string): FirmwareProject {
  const root = dirname(inoPath);
  const sketchFiles = f.inDir(root).filter((p) => /\.(ino|cpp|cc|c|h|hpp)$/.test(p));
  const extra = ['sketch.yaml', 'sketch.json'].map((n) => f.text(joinPath(root, n)));
  const notes: string[] = [];
  if (basename(inoPath).replace(/\.ino$/, '') !== basename(root) && root !== '') {
    notes.push(`${inoPath}: the Arduino IDE expects the sketch file to be named after its folder (${basename(root)}.ino).`);
  }
  return {
    type: 'arduino', root, sourceDir: root, includeDir: root, cppExtension: '.cpp',
    arduinoLibraryHeader: arduinoHeaderFrom([...sketchFiles.map((p) => f.head(p)), ...extra]) ?? DEFAULT_ARDUINO_HEADER,
    registration: { kind: 'none' }, evidence: [inoPath], notes,
  };
}

function espIdf(f: Files, root: string, evidence: string[]): FirmwareProject {
  const main = joinPath(root, 'main');
  const mainCmake = joinPath(main, 'CMakeLists.txt');
  const notes: string[] = [];
  const registration: Registration = f.has(mainCmake)
    ? { kind: 'idf-component', file: mainCmake }
    : { kind: 'manual', hint: `create ${mainCmake} with idf_component_register(SRCS ...) listing the new files` };
  return {
    type: 'esp-idf', root, sourceDir: main, includeDir: main, cppExtension: '.cc', registration, evidence, notes,
  };
}

function zephyr(f: Files, cmakePath: string): FirmwareProject {
  const root = dirname(cmakePath);
  const evidence = [cmakePath];
  if (f.has(joinPath(root, 'prj.conf'))) evidence.push(joinPath(root, 'prj.conf'));
  const sourceDir = joinPath(root, 'src');
  return {
    type: 'zephyr', root, sourceDir, includeDir: sourceDir, cppExtension: '.cc',
    registration: { kind: 'cmake-target', file: cmakePath, target: 'app' }, evidence,
    notes: [],
  };
}

function stm32cube(f: Files, iocPath: string): FirmwareProject {
  const root = dirname(iocPath);
  const core = f.hasDir(joinPath(root, 'Core')) || !f.hasDir(joinPath(root, 'Src')) ? 'Core/' : '';
  const sourceDir = joinPath(root, `${core}Src`);
  const includeDir = joinPath(root, `${core}Inc`);
  const cmake = joinPath(root, 'CMakeLists.txt');
  const notes = [
    'STM32CubeIDE compiles .cpp files only in a C++ project: if yours is C, use File > New > Convert to C++ first.',
    'Add the TensorFlow Lite Micro sources or library and its include path to the project.',
  ];
  let registration: Registration = { kind: 'none' };
  if (f.has(cmake)) {
    registration = { kind: 'cmake-target', file: cmake, target: cmakeTarget(f.text(cmake)) ?? '${CMAKE_PROJECT_NAME}' };
  }
  return {
    type: 'stm32cube', root, sourceDir, includeDir, cppExtension: '.cpp', registration, evidence: [iocPath], notes,
  };
}

/** First executable target of a CMakeLists.txt (or library when there is none). */
function cmakeTarget(text: string): string | undefined {
  const exe = /^\s*add_executable\s*\(\s*([^\s)]+)/im.exec(text);
  if (exe) return exe[1];
  const lib = /^\s*add_library\s*\(\s*([^\s)]+)/im.exec(text);
  return lib?.[1];
}

function cmake(f: Files, cmakePath: string): FirmwareProject {
  const root = dirname(cmakePath);
  const src = joinPath(root, 'src');
  const sourceDir = f.hasDir(src) ? src : root;
  const target = cmakeTarget(f.text(cmakePath));
  const registration: Registration = target
    ? { kind: 'cmake-target', file: cmakePath, target }
    : { kind: 'manual', hint: `add the new sources to your target in ${cmakePath}` };
  return {
    type: 'cmake', root, sourceDir, includeDir: sourceDir, cppExtension: '.cc', registration, evidence: [cmakePath],
    notes: ['Link TensorFlow Lite Micro (e.g. the tflm static library) and add its include paths to the target.'],
  };
}

const MAKE_SOURCE_VARIABLES = ['CXX_SOURCES', 'CPP_SOURCES', 'CXXSRC', 'CXXSRCS', 'CPPSRC', 'SRCS', 'SOURCES', 'SRC', 'C_SOURCES'];

function make(f: Files, makefile: string): FirmwareProject {
  const root = dirname(makefile);
  const src = joinPath(root, 'src');
  const sourceDir = f.hasDir(src) ? src : root;
  const text = f.text(makefile);
  let registration: Registration = {
    kind: 'manual', hint: `add the new .cc files to the sources compiled by ${makefile}`,
  };
  const srcRel = sourceDir === root ? '' : 'src/';
  // A wildcard over the source folder that matches .cc already picks up new files.
  const wildcard = new RegExp(`\\$\\(wildcard\\s+[^)]*${srcRel.replace('/', '\\/')}\\*\\.(cc|\\*)\\b`);
  if (wildcard.test(text)) {
    registration = { kind: 'none' };
  } else {
    for (const v of MAKE_SOURCE_VARIABLES) {
      if (new RegExp(`^\\s*${v}\\s*[:+?]?=`, 'm').test(text)) {
        registration = { kind: 'make-variable', file: makefile, variable: v };
        break;
      }
    }
  }
  return {
    type: 'make', root, sourceDir, includeDir: sourceDir, cppExtension: '.cc', registration, evidence: [makefile],
    notes: ['Compile the .cc files with a C++ compiler and link TensorFlow Lite Micro (e.g. libtensorflow-microlite.a).'],
  };
}

/** Every firmware project found in the snapshot: shallowest first, the more specific kind first in a folder. */
export function detectProjects(snapshot: ProjectSnapshot): FirmwareProject[] {
  const f = new Files(snapshot);
  const found: FirmwareProject[] = [];
  const espRoots = new Set<string>();

  for (const p of f.all) {
    const name = basename(p);
    const dir = dirname(p);
    if (name === 'platformio.ini') found.push(platformio(f, p));
    else if (name.endsWith('.ioc')) found.push(stm32cube(f, p));
    else if (name === 'CMakeLists.txt') {
      const text = f.text(p);
      if (/find_package\s*\(\s*Zephyr\b/i.test(text)) found.push(zephyr(f, p));
      else if (/IDF_PATH\}?\/tools\/cmake\/project\.cmake/.test(text)) espRoots.add(dir);
      else if (/idf_component_register\s*\(/.test(text) && basename(dir) === 'main') espRoots.add(dirname(dir));
    } else if (name === 'sdkconfig' || name === 'sdkconfig.defaults') {
      if (f.has(joinPath(dir, 'CMakeLists.txt'))) espRoots.add(dir);
    }
  }
  for (const root of espRoots) {
    const evidence = ['CMakeLists.txt', 'main/CMakeLists.txt', 'sdkconfig', 'sdkconfig.defaults']
      .map((n) => joinPath(root, n))
      .filter((p) => f.has(p));
    found.push(espIdf(f, root, evidence));
  }

  const claimed = (dir: string): boolean => found.some((proj) => SPECIFIC.has(proj.type) && isInside(proj.root, dir));
  const generic: FirmwareProject[] = [];
  for (const p of f.all) {
    const name = basename(p);
    const dir = dirname(p);
    if (claimed(dir)) continue;
    if (name.endsWith('.ino')) {
      if (!generic.some((g) => g.type === 'arduino' && g.root === dir)) generic.push(arduino(f, p));
    } else if (name === 'CMakeLists.txt') {
      generic.push(cmake(f, p));
    } else if (name === 'Makefile' || name === 'makefile' || name === 'GNUmakefile') {
      generic.push(make(f, p));
    }
  }
  // A CMakeLists.txt or Makefile below another one of the same kind is a sub-directory of that build.
  const topGeneric = generic.filter(
    (g) => !generic.some((o) => o !== g && o.type === g.type && g.type !== 'arduino' && o.root !== g.root && isInside(o.root, g.root)),
  );
  const all = [...found, ...topGeneric];
  const rank = (t: ProjectType): number => PROJECT_TYPES.indexOf(t as FirmwareProjectType);
  return all.sort((a, b) => depth(a.root) - depth(b.root) || rank(a.type) - rank(b.type) || a.root.localeCompare(b.root));
}

/** A plain folder: files go exactly there, nothing is registered. */
export function folderProject(dir: string): FirmwareProject {
  return {
    type: 'folder', root: dir, sourceDir: dir, includeDir: dir, cppExtension: '.cc', registration: { kind: 'none' },
    evidence: [], notes: [],
  };
}

/**
 * The project to export into: the best match of `type` (any kind for `auto`), or a plain folder at the root when
 * `auto` finds nothing. Returns undefined when a specific type was asked for and not found.
 */
export function detectProject(snapshot: ProjectSnapshot, type: ProjectType | 'auto' = 'auto'): FirmwareProject {
  if (type === 'folder') return folderProject('');
  const projects = detectProjects(snapshot);
  if (type === 'auto') return projects[0] ?? folderProject('');
  return projects.find((p) => p.type === type) ?? conventionalProject(snapshot, type);
}

/**
 * The conventional layout of `type` at the snapshot root, for a project that does not exist yet (or that detection
 * does not recognize): registrations that need a missing build file become manual steps.
 */
export function conventionalProject(snapshot: ProjectSnapshot, type: FirmwareProjectType): FirmwareProject {
  const f = new Files(snapshot);
  const project = ((): FirmwareProject => {
    switch (type) {
      case 'platformio': return platformio(f, 'platformio.ini');
      case 'arduino': return arduino(f, 'sketch.ino');
      case 'esp-idf': return espIdf(f, '', []);
      case 'zephyr': return zephyr(f, 'CMakeLists.txt');
      case 'stm32cube': return stm32cube(f, 'project.ioc');
      case 'cmake': return cmake(f, 'CMakeLists.txt');
      case 'make': return make(f, 'Makefile');
    }
  })();
  const missing = project.evidence.filter((p) => !f.has(p));
  project.evidence = project.evidence.filter((p) => f.has(p));
  const reg = project.registration;
  if ((reg.kind === 'cmake-target' || reg.kind === 'idf-component' || reg.kind === 'make-variable') && !f.has(reg.file)) {
    project.registration = { kind: 'manual', hint: `add the new sources to the build (${reg.file} does not exist)` };
  }
  project.notes.unshift(
    `No ${type} project was found${missing.length ? ` (${missing.join(', ')} missing)` : ''}; used its conventional layout.`,
  );
  return project;
}
