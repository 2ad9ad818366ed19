/**
 * What every reel command loads before it runs: the CLI's static module graph holds zod, commander, the small S3
 * signer and the bidirectional algorithm only; the YAML parser, Redis and BullMQ, the JSON Schema validator and the slide renderer are loaded
 * when a command needs them (a data workflow, a cluster, `schema`, a slide). One static import of the YAML parser
 * through a shared helper cost every command the resolution of its 330 CommonJS files.
 */
import assert from "node:assert/strict";

const root = new URL("../../", import.meta.url).pathname;

interface ModuleGraph {
  roots: string[];
  modules: { specifier: string; dependencies?: { code?: { specifier?: string }; isDynamic?: boolean }[] }[];
  redirects: Record<string, string>;
}

/** The npm packages a module reaches through static imports only. */
async function staticPackages(entry: string): Promise<string[]> {
  const { stdout, success } = await new Deno.Command(Deno.execPath(), {
    args: ["info", "--json", entry],
    cwd: root,
    stdout: "piped",
    stderr: "null",
  }).output();
  assert.ok(success, "deno info failed");
  const graph = JSON.parse(new TextDecoder().decode(stdout)) as ModuleGraph;
  const modules = new Map(graph.modules.map((module) => [module.specifier, module]));
  const seen = new Set<string>();
  const packages = new Set<string>();
  const pending = [...graph.roots];
  while (pending.length > 0) {
    const next = pending.pop()!;
    const resolved = graph.redirects[next] ?? next;
    if (seen.has(resolved)) continue;
    seen.add(resolved);
    if (resolved.startsWith("npm:")) {
      packages.add(/^npm:\/?(@?[^@]+)@/.exec(resolved)?.[1] ?? resolved);
      continue;
    }
    for (const dependency of modules.get(resolved)?.dependencies ?? []) {
      const imported = dependency.code?.specifier;
      if (imported !== undefined && dependency.isDynamic !== true) pending.push(imported);
    }
  }
  return [...packages].sort();
}

Deno.test("the CLI's static imports reach zod, commander, aws4fetch and bidi-js only: no YAML, Redis, BullMQ, ajv or resvg", async () => {
  // The entry starts a render's workers before it loads the CLI (see tasks/render.ts): it imports no package itself.
  assert.deepEqual(await staticPackages("tasks/render.ts"), []);
  // bidi-js (its ES module build, 45 KB, its tables built on first use) orders right-to-left text in the slides'
  // layout and the captions, which the job kinds' steps import: about 2 ms at start.
  assert.deepEqual(await staticPackages("tasks/_cli/main.ts"), [
    "@commander-js/extra-typings",
    "aws4fetch",
    "bidi-js",
    "zod",
  ]);
});
