/**
 * The one-way import rule between the folders of lib/, as code: each folder has a layer, and a module may import
 * only from its own folder or from a lower layer. Job kinds (`lib/jobs/<kind>/`) are siblings: one kind never
 * imports another. ARCHITECTURE.md states the same order.
 * @module
 */
import { dirname, join, normalize, relative } from "node:path";

/** Layers, lowest first; folders in one layer may not import each other. */
export const LAYERS: readonly (readonly string[])[] = [
  ["core"],
  ["media"],
  ["store", "providers", "fake_api"],
  ["steps"],
  ["plan"],
  ["schema"],
  ["jobs/*"],
  ["workflow"],
  ["workers", "cluster"],
  ["run"],
  ["report"],
];

/** One import against the rule. */
export interface Violation {
  /** The importing file, relative to the repository. */
  file: string;
  /** The import specifier as written. */
  specifier: string;
  /** Why it is against the rule. */
  reason: string;
}

/** The folder of a file under lib/ as the rule names it: `run`, or `jobs/lesson` for a job kind's files. */
export function folderOf(path: string): string | null {
  const parts = normalize(path).split("/");
  if (parts[0] !== "lib" || parts.length < 3) return null;
  if (parts[1] === "jobs" && parts.length >= 4) return `jobs/${parts[2]}`;
  return parts[1]!;
}

function layerOf(folder: string): number {
  const name = folder.startsWith("jobs/") ? "jobs/*" : folder;
  return LAYERS.findIndex((layer) => layer.includes(name));
}

/** The module's code with its comments (doc examples included) and string contents blanked out, imports kept. */
export function importsOf(source: string): string[] {
  const specifiers: string[] = [];
  let code = "";
  for (let i = 0; i < source.length; i++) {
    const char = source[i]!;
    const next = source[i + 1];
    if (char === "/" && next === "/") {
      while (i < source.length && source[i] !== "\n") i++;
      code += "\n";
    } else if (char === "/" && next === "*") {
      const end = source.indexOf("*/", i + 2);
      i = end < 0 ? source.length : end + 1;
      code += " ";
    } else if (char === '"' || char === "'" || char === "`") {
      let end = i + 1;
      while (end < source.length && source[end] !== char) end += source[end] === "\\" ? 2 : 1;
      code += `${char}${source.slice(i + 1, end)}${char}`;
      i = end;
    } else {
      code += char;
    }
  }
  const patterns = [
    /(?:^|[\s;])import\s+(?:type\s+)?(?:[\w*${}\s,]+?\s+from\s+)?["']([^"'\n]+)["']/g,
    /(?:^|[\s;])export\s+(?:type\s+)?(?:\*|\{[^}]*\}|\*\s+as\s+\w+)\s*from\s+["']([^"'\n]+)["']/g,
    /\bimport\s*\(\s*["']([^"'\n]+)["']\s*\)/g,
  ];
  for (const pattern of patterns) for (const match of code.matchAll(pattern)) specifiers.push(match[1]!);
  return specifiers;
}

/**
 * Checks one file's imports against the rule.
 *
 * @param file The file's path relative to the repository (`lib/run/scheduler.ts`).
 * @param source Its text.
 * @returns The imports against the rule.
 */
export function checkFile(file: string, source: string): Violation[] {
  const from = folderOf(file);
  if (from === null) return [];
  const violations: Violation[] = [];
  for (const specifier of importsOf(source)) {
    if (!specifier.startsWith(".")) continue;
    const target = normalize(join(dirname(file), specifier));
    if (relative("lib", target).startsWith("..")) {
      violations.push({ file, specifier, reason: "lib/ imports nothing outside lib/" });
      continue;
    }
    const to = folderOf(target);
    if (to === null || to === from) continue;
    const [fromLayer, toLayer] = [layerOf(from), layerOf(to)];
    if (fromLayer < 0 || toLayer < 0) {
      violations.push({
        file,
        specifier,
        reason: `folder ${fromLayer < 0 ? from : to} has no layer in the rule`,
      });
    } else if (toLayer > fromLayer) {
      violations.push({ file, specifier, reason: `${from} may not import ${to}, a higher layer` });
    } else if (toLayer === fromLayer) {
      violations.push({
        file,
        specifier,
        reason: `${from} and ${to} are siblings: neither imports the other`,
      });
    }
  }
  return violations;
}
