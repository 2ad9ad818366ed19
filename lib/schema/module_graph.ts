/**
 * The local module graph of a workflow file: the file and every local module it imports, found by reading their
 * static and literal dynamic imports. Its digest keys custom steps (their code may use any of these modules), and
 * `--watch` watches its files. reel's own modules are left out: their changes are covered by step kind versions.
 * @module
 */
import { createHash } from "node:crypto";
import { relative } from "node:path";
import { sha256Hex } from "../core/sha256.ts";
import { workflowDir } from "./workflow_path.ts";

/** A workflow's local modules and the digest of their contents. */
export interface ModuleGraph {
  /** Absolute paths of the local files, the workflow first. */
  files: string[];
  /**
   * SHA-256 over every local file's path (relative to the workflow's folder; none for the workflow's own) and
   * bytes, and every package it imports by its versioned name (npm:, https:).
   */
  digest: string;
  /**
   * What the digest is made of, part by part: each local file by its name (relative to the workflow's folder; the
   * workflow's own as `(workflow)`) with its bytes' SHA-256, a file imported but not there (`missing`), and each
   * remote module and package with what it resolves to. Two graphs whose digests differ differ in some part: a
   * worker names it (see `changedParts`).
   */
  parts: Record<string, string>;
  /**
   * The packages it imports, each as the version it resolves to here (`npm:chalk@^5` as `npm:chalk/5.3.0/…`, from
   * the lock file in use), so a new version within a range is another digest. Sorted, each once.
   */
  packages: string[];
}

// No space is needed around braces and quotes (kr: `import { a } from"./a.ts"` was not seen, nor its changes); the
// keyword is not a string's nor a property's (rv: `["import", "export"]` read `, ` as a module).
const IMPORT_PATTERNS = [
  /(?<![\w$.'"`])import\s*(?:type\s+)?(?:[\w*${}\s,]+?\s*\bfrom\s*)?["']([^"'\n]+)["']/g,
  /(?<![\w$.'"`])export\s*(?:type\s+)?(?:\*|\{[^}]*\}|\*\s+as\s+\w+)\s*from\s*["']([^"'\n]+)["']/g,
  /(?<![\w$.'"`])import\s*\(\s*(?:["']([^"'\n]+)["']|`([^`$\n]+)`)\s*[,)]/g,
];

/** reel's own code: imports of it are not part of a workflow's graph. */
const REEL_ROOT = new URL("../../", import.meta.url).href;

function isReelModule(url: string): boolean {
  return url === `${REEL_ROOT}mod.ts` || url.startsWith(`${REEL_ROOT}lib/`);
}

/**
 * Lists the import specifiers written in a module's source.
 *
 * @param source TypeScript or JavaScript text.
 * @returns The specifiers, in order of appearance, each once.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { importSpecifiers } from "./module_graph.ts";
 * const source = 'import { a } from "./a.ts";\nexport * from "./b.ts";\nconst c = await import("./c.ts");';
 * assert.deepEqual(importSpecifiers(source), ["./a.ts", "./b.ts", "./c.ts"]);
 * const tight = 'import{a}from"./a.ts";export{b}from"./b.ts";import(`./c.ts`);import(`./${name}.ts`);';
 * assert.deepEqual(importSpecifiers(tight), ["./a.ts", "./b.ts", "./c.ts"]);
 * const words = 'const kinds = ["import", "export"];\nlog({ kind: "import", path: "./data.csv" }, x.import("y"));';
 * assert.deepEqual(importSpecifiers(words), []);
 * ```
 */
export function importSpecifiers(source: string): string[] {
  const found: { at: number; specifier: string }[] = [];
  for (const pattern of IMPORT_PATTERNS) {
    for (const match of source.matchAll(pattern)) {
      found.push({ at: match.index, specifier: match[1] ?? match[2]! });
    }
  }
  return [...new Set(found.sort((a, b) => a.at - b.at).map((entry) => entry.specifier))];
}

/** What a walk of a module graph meets: a local file and its source, a local file not there, a remote module, a package. */
type GraphEntry =
  | { kind: "file"; path: string; source: string }
  | { kind: "missing"; path: string }
  | { kind: "remote"; url: string }
  | { kind: "package"; specifier: string; name: string };

/** Walks a workflow's local module graph breadth first from the workflow, telling `visit` of each entry once. */
async function walkModuleGraph(moduleUrl: string, visit: (entry: GraphEntry) => void): Promise<void> {
  const seen = new Set<string>();
  const queue = [moduleUrl];
  while (queue.length > 0) {
    const url = queue.shift()!;
    if (seen.has(url)) continue;
    seen.add(url);
    if (!url.startsWith("file:")) {
      visit({ kind: "remote", url });
      continue;
    }
    const path = decodeURIComponent(new URL(url).pathname);
    let source: string;
    try {
      source = await Deno.readTextFile(path);
    } catch (error) {
      if (!(error instanceof Deno.errors.NotFound)) throw error;
      visit({ kind: "missing", path });
      continue;
    }
    visit({ kind: "file", path, source });
    for (const specifier of importSpecifiers(source)) {
      const resolved = resolveSpecifier(specifier, url);
      if (isReelModule(resolved.url)) continue;
      // A package (npm:, a bare name from the import map) counts by its resolved, versioned name.
      if (resolved.local) queue.push(resolved.url);
      else visit({ kind: "package", specifier, name: packageName(resolved.url) });
    }
  }
}

/**
 * Lists a workflow's local module files, without digesting them (what a render's output check reads).
 *
 * @param moduleUrl The workflow file's `file:` URL.
 * @returns Absolute paths of the local files, the workflow first.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { moduleFiles } from "./module_graph.ts";
 * const files = await moduleFiles(new URL("../../workflows/lesson.ts", import.meta.url).href);
 * assert.equal(files.length, 1);
 * assert.ok(files[0]!.endsWith("workflows/lesson.ts"));
 * ```
 */
export async function moduleFiles(moduleUrl: string): Promise<string[]> {
  const files: string[] = [];
  await walkModuleGraph(moduleUrl, (entry) => {
    if (entry.kind === "file") files.push(entry.path);
  });
  return files;
}

/**
 * Reads a workflow's local module graph and digests it.
 *
 * @param moduleUrl The workflow file's `file:` URL.
 * @returns The files and the digest.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { readModuleGraph } from "./module_graph.ts";
 * const graph = await readModuleGraph(new URL("../../workflows/lesson.ts", import.meta.url).href);
 * assert.ok(graph.files[0]!.endsWith("workflows/lesson.ts"));
 * assert.equal(graph.files.length, 1); // reel's mod.ts is not part of it
 * ```
 */
export async function readModuleGraph(moduleUrl: string): Promise<ModuleGraph> {
  const hash = createHash("sha256");
  // Paths count relative to the workflow's folder, so moving a project does not change its keys.
  const home = workflowDir(moduleUrl);
  const where = (path: string) => relative(home, path);
  const files: string[] = [];
  const packages = new Set<string>();
  const parts: Record<string, string> = {};
  await walkModuleGraph(moduleUrl, (entry) => {
    if (entry.kind === "remote") {
      hash.update(`remote ${entry.url}\n`);
      parts[entry.url] = "remote";
    } else if (entry.kind === "missing") {
      hash.update(`missing ${where(entry.path)}\n`);
      parts[where(entry.path)] = "missing";
    } else if (entry.kind === "file") {
      // The workflow file (walked first) by no name: renamed, it runs the same code (kr2: its custom steps ran
      // again); a module importing it by its name has that name in its own source.
      const name = files.length === 0 ? "(workflow)" : where(entry.path);
      files.push(entry.path);
      hash.update(`file ${name} ${entry.source.length}\n${entry.source}\n`);
      parts[name] = sha256Hex(entry.source);
    } else {
      hash.update(`package ${entry.specifier} ${entry.name}\n`);
      packages.add(entry.name);
      parts[entry.specifier] = entry.name;
    }
  });
  return { files, digest: hash.digest("hex"), parts, packages: [...packages].sort() };
}

/** Files of packages (an import map may resolve a bare name to them): Deno's npm cache, a `node_modules` folder. */
export const PACKAGE_FILES: RegExp = /\/npm\/registry\.npmjs\.org\/|\/node_modules\//;

/** A package's versioned name, without the folder of the machine's cache it was resolved into. */
function packageName(url: string): string {
  const registry = /\/npm\/registry\.npmjs\.org\/(.+)$/.exec(url);
  return registry === null ? url : `npm:${registry[1]}`;
}

/** Where the import of an `npm:` or `jsr:` specifier resolves (a versioned file), or the specifier itself offline. */
function resolvedPackage(specifier: string): string {
  try {
    return import.meta.resolve(specifier);
  } catch (error) {
    if (!(error instanceof TypeError)) throw error;
    return specifier;
  }
}

function resolveSpecifier(specifier: string, parent: string): { url: string; local: boolean } {
  if (specifier.startsWith("./") || specifier.startsWith("../") || specifier.startsWith("/")) {
    return { url: new URL(specifier, parent).href, local: true };
  }
  // A package named with a version range counts by the version it resolves to (the lock file's), as the import.
  if (/^(npm|jsr):/.test(specifier)) return { url: resolvedPackage(specifier), local: false };
  if (/^[a-z][a-z0-9+.-]*:/i.test(specifier)) return { url: specifier, local: specifier.startsWith("file:") };
  try {
    // A bare specifier goes through the import map, as the import itself does: to a package, or to a local file
    // (kr: `"helpers/": "./lib/"` counted by its name, not its bytes).
    const url = import.meta.resolve(specifier);
    return { url, local: url.startsWith("file:") && !PACKAGE_FILES.test(url) };
  } catch (error) {
    if (!(error instanceof TypeError)) throw error;
    return { url: `unresolved:${specifier}`, local: false };
  }
}

/**
 * The parts in which two module graphs differ (see {@linkcode ModuleGraph.parts}): files whose bytes differ, and
 * files, modules and packages one has and the other has not or resolves otherwise.
 *
 * @param planned The graph as the coordinator read it.
 * @param here The graph as read here.
 * @returns Their names, sorted.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { changedParts } from "./module_graph.ts";
 * assert.deepEqual(changedParts({ "(workflow)": "a1", "data.ts": "b2" }, { "(workflow)": "a1", "data.ts": "c3" }), [
 *   "data.ts",
 * ]);
 * ```
 */
export function changedParts(
  planned: Readonly<Record<string, string>>,
  here: Readonly<Record<string, string>>,
): string[] {
  const names = new Set([...Object.keys(planned), ...Object.keys(here)]);
  return [...names].filter((name) => planned[name] !== here[name]).sort();
}
