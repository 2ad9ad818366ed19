/**
 * `cache ls` and `cache gc`: a workflow's entries in the store (or all of them), and shrinking the store.
 * @module
 */
import { InputError } from "../../lib/core/errors.ts";
import { isMissing } from "../../lib/core/exists.ts";
import { plural } from "../../lib/core/plural.ts";
import { type Command, InvalidArgumentError, Option } from "@commander-js/extra-typings";
import { formatBytes } from "../../lib/report/format_units.ts";
import { defaultCacheDir, noStoreAt, refuseUnusableFolder } from "../../lib/run/render_workflows.ts";
import { planEntries } from "../../lib/plan/plan_entries.ts";
import { planFiles } from "../../lib/run/load_plan.ts";
import { ArtifactStore, FIRST_LAYOUT_FOLDER } from "../../lib/store/artifact_store.ts";
import type { StoreEntry } from "../../lib/store/step_store.ts";
import { collectGarbage, KEEP_RECENT_MS } from "../../lib/store/collect_garbage.ts";
import { durationOption, parseDuration, parseSize } from "../../lib/core/units.ts";
import { folderName } from "./options.ts";

/** Adds `cache ls` and `cache gc` to the program. */
export function addCacheCommands(program: Command): void {
  const cache = program.command("cache").description("Inspect and shrink the artifact store");
  cache.command("ls")
    .description(
      "List a workflow's entries in the store (every entry without a workflow, or with --all), least recently " +
        "used first, and their total size",
    )
    .argument("[workflow]", "a workflow file: its entries, in the store beside it")
    .option(
      "--cache <dir>",
      "the store (default: REEL_CACHE, else .reel/ beside the workflow, or here without one)",
      folderName,
    )
    .option("--all", "list every entry of the store, whichever workflow made it")
    .action(async (workflow, options) => {
      const mine = workflow !== undefined && options.all !== true;
      // The workflow whose entries to list is there, whichever store is named.
      if (mine) besideWorkflow(workflow);
      const store = new ArtifactStore(storeFolder(workflow, options.cache));
      const entries = await store.entries();
      const ids = mine ? await workflowEntries(workflow, store) : null;
      const listed = ids === null ? entries : entries.filter((entry) => ids.has(entry.key));
      for (const entry of listed) {
        const size = formatBytes(entry.bytes).padStart(9);
        const named = ids === null ? "" : `  ${ids.get(entry.key)!.join(", ")}`;
        console.log(
          `${
            entry.key.slice(0, 16)
          }  ${size}  created ${entry.created}  used ${entry.lastUsed.toISOString()}${named}`,
        );
      }
      console.log(
        `${plural(listed.length, "entry", "entries")}, ${formatBytes(totalBytes(listed))} in ${store.root}`,
      );
      // fi18: a damaged entry, or a file put in entries/ by hand, was in no count.
      const strays = await store.notEntries();
      if (strays.length > 0) {
        console.log(
          `and ${plural(strays.length, "item")} in entries/ that ${
            strays.length === 1 ? "is" : "are"
          } no entry (${
            formatBytes(strays.reduce((sum, item) => sum + item.bytes, 0))
          }: damaged, or put there by hand), which no render reads and cache gc removes`,
        );
      }
      if (ids === null) return;
      // The rest of the store: other workflows' entries, and this one's from before an edit.
      const others = entries.filter((entry) => !ids.has(entry.key));
      console.log(
        others.length === 0
          ? "The store holds no other entries"
          : `The store holds ${plural(others.length, "other entry", "other entries")} (${
            formatBytes(totalBytes(others))
          }) that ${workflow} does not use; --all lists every entry`,
      );
    });
  cache.command("gc")
    .description("Remove least recently used entries until the store fits in --max-size")
    .argument("[workflow]", "a workflow file, to use the store beside it")
    .requiredOption("--max-size <size>", "e.g. 500MB, 2GiB", (text) => {
      const bytes = parseSize(text);
      if (bytes === null) throw new InvalidArgumentError("Expected a size like 500MB or 2GiB");
      return bytes;
    })
    .addOption(
      new Option(
        "--keep-recent <duration>",
        "keep entries used this recently, e.g. 10m, 1h, 0 (a render may be about to read them)",
      ).argParser((text) => {
        const ms = parseDuration(text);
        if (ms === null) throw new InvalidArgumentError("Expected a duration like 10m, 90s, 1h or 0");
        return ms;
      }).default(KEEP_RECENT_MS, durationOption(KEEP_RECENT_MS)),
    )
    .option(
      "--cache <dir>",
      "the store (default: REEL_CACHE, else .reel/ beside the workflow, or here without one)",
      folderName,
    )
    .action(async (workflow, options) => {
      const store = new ArtifactStore(storeFolder(workflow, options.cache));
      const report = await collectGarbage(store, options.maxSize, { keepRecentMs: options.keepRecent });
      const strays = report.notEntries === 0
        ? ""
        : `, ${plural(report.notEntries, "item")} in entries/ that ${
          report.notEntries === 1 ? "was" : "were"
        } no entry among them`;
      const leftovers = report.leftovers === 0
        ? ""
        : `; also removed ${
          plural(report.leftovers, "leftover")
        } of stopped renders (scratch folders, claims)`;
      const recent = report.recent === 0
        ? ""
        : ` (${plural(report.recent, "entry", "entries")} kept over the size: used in the last ${
          durationOption(options.keepRecent)
        } (--keep-recent; 0 lets them go) or by a render now)`;
      console.log(
        `removed ${plural(report.removed, "entry", "entries")} (${formatBytes(report.freed)}${strays}), ${
          formatBytes(report.kept)
        } left${recent}${leftovers}`,
      );
    });
}

/** The keys of the workflow's entries in the store, with the ids of their steps (its plan, nothing run). */
async function workflowEntries(workflow: string, store: ArtifactStore): Promise<Map<string, string[]>> {
  const plan = await planFiles([workflow], { onNotice: (notice) => console.error(`reel: ${notice}`) });
  return await planEntries(plan, store);
}

function totalBytes(entries: readonly StoreEntry[]): number {
  return entries.reduce((sum, entry) => sum + entry.bytes, 0);
}

/**
 * The store a cache command works on, which must be there: `--cache`, else the one beside the workflow named, else
 * the current folder's (or `REEL_CACHE`).
 */
function storeFolder(workflow: string | undefined, cache: string | undefined): string {
  // REEL_CACHE names the store whether a workflow is named or not (`defaultCacheDir`).
  const fromEnv = cache === undefined && (Deno.env.get("REEL_CACHE") ?? "") !== "";
  const folder = cache ?? (workflow === undefined ? defaultCacheDir(null) : besideWorkflow(workflow));
  const where = cache !== undefined ? "--cache" : fromEnv ? "REEL_CACHE" : folder;
  const made = "a render makes its store (REEL_CACHE, else .reel/ beside the workflow)";
  // nt4: after rendering workflows/lesson.ts, `cache ls` from the checkout looked for ./.reel; rv6, rv7: where
  // REEL_CACHE named the store, the hint spoke of the current folder, or of naming the workflow.
  const hint = fromEnv
    ? `REEL_CACHE names this store; ${made}: name another with --cache`
    : cache !== undefined || workflow !== undefined
    ? `Name the workflow or another store with --cache; ${made}`
    : `Without a workflow, the current folder's store is read; ${made}: name the workflow ` +
      "(cache ls workflows/lesson.ts) or the store with --cache";
  // A store that is not there holds nothing to list or remove: a mistyped --cache said "0 entries" and exit 0.
  let info: Deno.FileInfo | null = null;
  try {
    info = Deno.statSync(folder);
  } catch (error) {
    if (!isMissing(error)) {
      // Links that loop, a name too long (fi22: Deno's words and a trace) are said as such.
      refuseUnusableFolder(folder, "cache folder");
      throw error;
    }
  }
  if (info === null || !info.isDirectory) {
    // A path through a file (`--cache a.ts/x`) names that file (before: NotADirectory and its trace).
    throw noStoreAt(folder, { where, hint });
  }
  // fi4: a mistyped --cache that names a folder of other files listed "0 entries" (and gc "removed 0"). A store of
  // the first layout is one (rv6: `cache gc` removes that layout's folder).
  const held = new ArtifactStore(folder).folders().map((path) => path.slice(path.lastIndexOf("/") + 1));
  const names = [...Deno.readDirSync(folder)].map((entry) => entry.name);
  if (names.length > 0 && ![...held, FIRST_LAYOUT_FOLDER].some((name) => names.includes(name))) {
    const expected = held.map((name) => `${name}/`).join(", ");
    throw new InputError(`${folder} is not a store: it holds none of ${expected}`, { where, hint });
  }
  return folder;
}

/** The store beside a workflow file, which must exist: a typo would otherwise name the current folder's store. */
function besideWorkflow(workflow: string): string {
  let isFile = false;
  try {
    isFile = Deno.statSync(workflow).isFile;
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  if (!isFile) {
    throw new InputError(`No workflow file at ${workflow}`, {
      where: workflow,
      hint: "Name the workflow whose store to use, or the store itself with --cache",
    });
  }
  return defaultCacheDir(workflow);
}
