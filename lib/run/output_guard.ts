/**
 * Two renders on this machine writing one output file with different bytes: the later one is refused before any
 * step, instead of both writing it and the last to finish winning unsaid (nt13: two workflows with a video `same`,
 * rendered at once into one folder). Renders that would write the same bytes there (one workflow rendered twice at
 * once) share it.
 *
 * Each render writes one small file per output it will write in the user's cache folder
 * (`~/.cache/reel/outputs/<digest of the output's path>.<pid>-h<host>-<token>.json`), naming what it will write there:
 * the key the output's step will have, worked out from the plan alone (each step's key over its dependencies' plan
 * keys, whatever their stored bytes). A file whose process is gone (a render killed) is removed by the next render
 * that reads it. Renders of other users, other machines sharing the folder, or a user without a cache folder are not
 * guarded.
 * @module
 */
import { resolve } from "node:path";
import { InputError } from "../core/errors.ts";
import { isMissing, realPathOrNull } from "../core/exists.ts";
import { processStarted } from "../core/process_alive.ts";
import { removeIfExists } from "../core/remove_if_exists.ts";
import { sha256Hex } from "../core/sha256.ts";
import { userCacheFile } from "../core/user_cache.ts";
import type { Plan } from "../plan/plan.ts";
import { stepKey } from "../plan/step_key.ts";
import { ownerMark, ownerOf } from "../store/owner_mark.ts";

/** What a guard file says. */
interface GuardNote {
  /** The output's path. */
  path: string;
  /** The plan key of the step that writes it. */
  key: string;
  /** The workflow files of the render that writes it. */
  workflows: string[];
  /** When that render's process started (see `processStarted`); null where the system does not tell. */
  started: string | null;
}

/** The outputs a render guards: release them once it has written them (or failed). */
export interface OutputGuard {
  release(): Promise<void>;
}

/**
 * Guards the outputs a plan writes into a folder.
 *
 * @param plan The plan.
 * @param outDir The output folder.
 * @param options The render's workflow files (told to another render refused), and the folder of the guard files
 *   (default `outputs` in the user's cache folder; null guards nothing).
 * @returns The guard.
 * @throws {InputError} When another live render on this machine will write one of the outputs with other bytes; the
 *   message names the output, that render's process and its workflow files. Nothing is left guarded then.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { guardOutputs } from "./output_guard.ts";
 * const folder = await Deno.makeTempDir();
 * const step = { id: "v/video", kind: "video", version: 1, engine: {}, params: { n: 1 }, deps: [], output: "v.mp4" };
 * const plan = { steps: [step] } as unknown as Parameters<typeof guardOutputs>[0];
 * const guard = await guardOutputs(plan, "out", { workflows: ["a.ts"], folder });
 * await guardOutputs(plan, "out", { workflows: ["a.ts"], folder }).then((same) => same.release());
 * const other = { steps: [{ ...step, params: { n: 2 } }] } as unknown as Parameters<typeof guardOutputs>[0];
 * await assert.rejects(guardOutputs(other, "out", { workflows: ["b.ts"], folder }), /being written by another/);
 * await guard.release();
 * await Deno.remove(folder, { recursive: true });
 * ```
 */
export async function guardOutputs(
  plan: Pick<Plan, "steps">,
  outDir: string,
  options: { workflows: readonly string[]; folder?: string | null },
): Promise<OutputGuard> {
  const folder = options.folder === undefined ? userCacheFile("outputs") : options.folder;
  const notes = outputNotes(plan, outDir, options.workflows, await processStarted(Deno.pid));
  if (folder === null || notes.length === 0) return { release: async () => {} };
  const token = `${ownerMark()}-${crypto.randomUUID().slice(0, 8)}`;
  const written: string[] = [];
  const release = async () => {
    for (const file of written) await removeIfExists(file);
  };
  try {
    await Deno.mkdir(folder, { recursive: true });
    // Every note is written before any other is read: of two renders starting at once, one sees the other at least.
    for (const note of notes) {
      const file = `${folder}/${pathDigest(note.path)}.${token}.json`;
      const { shown: _, ...saved } = note;
      await Deno.writeTextFile(file, JSON.stringify(saved));
      written.push(file);
    }
  } catch (error) {
    await release();
    // The guard is a courtesy of this machine's cache folder: one that cannot be written (read-only, full, a file
    // in its way) guards nothing, and the render goes on as it would without it.
    if (
      error instanceof Deno.errors.PermissionDenied || isMissing(error) ||
      error instanceof Deno.errors.NotADirectory
    ) {
      return { release: async () => {} };
    }
    throw error;
  }
  try {
    const names = await folderNames(folder);
    for (const note of notes) {
      const digest = pathDigest(note.path);
      for (const name of names) {
        if (!name.startsWith(`${digest}.`) || name === `${digest}.${token}.json`) continue;
        const file = `${folder}/${name}`;
        const other = await readNote(file);
        if (!(await writerLives(name.slice(digest.length + 1), other))) {
          // A render killed before it released its notes (or while it wrote one): nothing writes there any more.
          await removeIfExists(file);
          continue;
        }
        // A note being written (by a render that reads this one's once it has written its own) tells nothing yet.
        if (other === null || other.key === note.key || other.path !== note.path) continue;
        throw new InputError(
          `${note.shown} is being written by another render (process ${
            ownerOf(name.slice(digest.length + 1)).pid
          }, ${other.workflows.join(", ")}) with other content`,
          {
            where: note.shown,
            hint: "Wait for that render to end, or choose another folder with --out",
          },
        );
      }
    }
  } catch (error) {
    await release();
    throw error;
  }
  return { release };
}

/** Each output of the plan, with the key its step will have as planned. */
function outputNotes(
  plan: Pick<Plan, "steps">,
  outDir: string,
  workflows: readonly string[],
  started: string | null,
): (GuardNote & { shown: string })[] {
  const keys = new Map<string, string>();
  const notes: (GuardNote & { shown: string })[] = [];
  // The folder by its real path where it exists already (a link to it, `out` and `./out`: one folder).
  const folder = realPathOrNull(outDir) ?? resolve(outDir);
  for (const step of plan.steps) {
    // Steps come after their dependencies in a plan.
    const key = stepKey(step, step.deps.map((dep) => keys.get(dep) ?? dep));
    keys.set(step.id, key);
    if (step.output !== null) {
      notes.push({
        path: `${folder}/${step.output}`,
        // As the command line names it.
        shown: `${outDir.replace(/\/+$/, "")}/${step.output}`,
        key,
        workflows: [...workflows],
        started,
      });
    }
  }
  return notes;
}

function pathDigest(path: string): string {
  return sha256Hex(path).slice(0, 32);
}

/**
 * Whether the render that wrote a note runs: on this host, the process of its pid that started when the note says
 * (a pid alone may be another program's by now); another host's is taken as running.
 */
async function writerLives(mark: string, note: GuardNote | null): Promise<boolean> {
  const writer = ownerOf(mark);
  if (writer.host !== null && writer.host !== ownerOf(ownerMark()).host) return true;
  const started = await processStarted(writer.pid);
  return started !== null && (note?.started ?? started) === started;
}

async function folderNames(folder: string): Promise<string[]> {
  const names: string[] = [];
  for await (const entry of Deno.readDir(folder)) if (entry.isFile) names.push(entry.name);
  return names;
}

/** A guard file's note: null when it is gone (released meanwhile) or not one (written half by a killed render). */
async function readNote(file: string): Promise<GuardNote | null> {
  let text: string;
  try {
    text = await Deno.readTextFile(file);
  } catch (error) {
    if (isMissing(error)) return null;
    throw error;
  }
  try {
    const note = JSON.parse(text) as Partial<GuardNote>;
    return typeof note.path === "string" && typeof note.key === "string" && Array.isArray(note.workflows)
      ? note as GuardNote
      : null;
  } catch (error) {
    if (error instanceof SyntaxError) return null;
    throw error;
  }
}
