/**
 * Two renders on this machine writing one output file with different bytes: the later one is refused before any
 * step, instead of both writing it and the last to finish winning unsaid (nt13: two workflows with a video `same`,
 * rendered at once into one folder). Renders that would write the same bytes there (one workflow rendered twice at
 * once) share it.
 *
 * Each render writes one note while it runs, in the user's cache folder (`~/.cache/reel/outputs/<pid>-h<host>-
 * <token>.json`): the outputs it will write, each with its step's key in the plan (the step's own over its
 * dependencies' plan keys, whatever their stored bytes). A note whose process is gone (a
 * render killed) is removed by the next render that reads it; another host's (a cache folder shared) counts for a
 * day. Renders of other users, or of a user without a cache folder, are not guarded.
 * @module
 */
import { InputError } from "../core/errors.ts";
import { isMissing, notFoundAsNull, realFolder } from "../core/exists.ts";
import { processStarted } from "../core/process_alive.ts";
import { removeIfExists } from "../core/remove_if_exists.ts";
import { userCacheFile } from "../core/user_cache.ts";
import type { Plan } from "../plan/plan.ts";
import { OTHER_HOST_GRACE_MS, ownerMark, ownerOf } from "../store/owner_mark.ts";

/** What a render's note says. */
interface GuardNote {
  /** Each output's path (the folder's real path where it exists), with the plan key of the step that writes it. */
  outputs: Record<string, string>;
  /** The render's workflow files. */
  workflows: string[];
  /** When its process started (see `processStarted`); null where the system does not tell. */
  started: string | null;
}

/** The outputs a render guards: release them once it has written them (or failed). */
export interface OutputGuard {
  release(): Promise<void>;
}

const UNGUARDED: OutputGuard = { release: async () => {} };

/** The time of a note not stamped yet: later than any stamp (2100-01-01). */
const UNSTAMPED = new Date(4_102_444_800_000);

/**
 * Guards the outputs a plan writes into a folder.
 *
 * @param plan The plan.
 * @param outDir The output folder.
 * @param options The render's workflow files (told to another render refused), and the folder of the notes
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
 * const step = { id: "v/video", key: "k1", output: "v.mp4" };
 * const plan = { steps: [step] } as unknown as Parameters<typeof guardOutputs>[0];
 * const guard = await guardOutputs(plan, "out", { workflows: ["a.ts"], folder });
 * await guardOutputs(plan, "out", { workflows: ["a.ts"], folder }).then((same) => same.release());
 * const other = { steps: [{ ...step, key: "k2" }] } as unknown as Parameters<typeof guardOutputs>[0];
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
  const outputs = plannedOutputs(plan, outDir, await realFolder(outDir));
  if (folder === null || outputs.size === 0) return UNGUARDED;
  const name = `${ownerMark()}-${crypto.randomUUID().slice(0, 8)}.json`;
  const note: GuardNote = {
    outputs: Object.fromEntries([...outputs].map(([path, { key }]) => [path, key])),
    workflows: [...options.workflows],
    started: await processStarted(Deno.pid),
  };
  const path = `${folder}/${name}`;
  const temporary = `${folder}/.${name}.tmp`;
  const release = async () => {
    await removeIfExists(temporary);
    await removeIfExists(path);
  };
  let since: Date;
  try {
    await Deno.mkdir(folder, { recursive: true });
    // Whole or not there: a reader never finds half a note. Until this render stamps it, its time is one no stamp
    // has (rv27: its write time, read meanwhile, made the earlier render yield too).
    await Deno.writeTextFile(temporary, JSON.stringify(note));
    await Deno.utime(temporary, UNSTAMPED, UNSTAMPED);
    await Deno.rename(temporary, path);
    // Stamped once it can be read: a render whose note is stamped later (or not yet) read the folder after this
    // note was there, so it yields to this one; of notes stamped alike, each render that reads the other's yields.
    since = new Date();
    await Deno.utime(path, since, since);
  } catch (error) {
    // What could be written and cannot be removed now (the folder made read-only meanwhile) is a dead render's
    // note once this one ends, cleared by the next.
    await release().catch(() => {});
    // The guard is a courtesy of this machine's cache folder: one that cannot be written (read-only, full, a file
    // in its way or in its place: fi15; ENOSPC and EROFS come as plain errors: rv27) guards nothing, and the render
    // goes on as it would without it. Only the file system's errors: the calls above make no others.
    if (error instanceof Error) return UNGUARDED;
    throw error;
  }
  try {
    for await (const entry of Deno.readDir(folder)) {
      if (!entry.isFile || entry.name === name) continue;
      const file = `${folder}/${entry.name}`;
      // A note, or one being written (`.<name>.tmp`).
      const written = entry.name.replace(/^\.(.*)\.tmp$/, "$1");
      const other = written === entry.name ? await readNote(file) : null;
      if (!(await writerLives(file, written, other))) {
        // A render killed before it released its note (or while it wrote it): nothing writes there any more. One
        // that cannot be removed (a folder made read-only since) is left for a later render, this one unharmed.
        await removeIfExists(file).catch(() => {});
        continue;
      }
      const stamped = other === null ? null : (await Deno.stat(file).catch(notFoundAsNull))?.mtime ?? null;
      // Being written, released meanwhile, or stamped after this one (that render yields): no reason to yield.
      if (other === null || stamped === null || stamped > since) continue;
      for (const [output, { key, shown }] of outputs) {
        const theirs = other.outputs[output];
        if (theirs === undefined || theirs === key) continue;
        throw new InputError(
          `${shown} is being written by another render (process ${ownerOf(written).pid}, ${
            other.workflows.join(", ")
          }) with other content`,
          { where: shown, hint: "Wait for that render to end, or choose another folder with --out" },
        );
      }
    }
  } catch (error) {
    await release();
    throw error;
  }
  return { release };
}

/**
 * Each output of the plan by its path in `folder` (the output folder's real path), with its step's key as planned
 * and its path as given.
 */
function plannedOutputs(
  plan: Pick<Plan, "steps">,
  outDir: string,
  folder: string,
): Map<string, { key: string; shown: string }> {
  const outputs = new Map<string, { key: string; shown: string }>();
  for (const step of plan.steps) {
    if (step.output === null) continue;
    // The plan's key: its step's over its dependencies' plan keys, whatever their stored bytes (a custom step's
    // children are not known yet).
    outputs.set(`${folder}/${step.output}`, {
      key: step.key,
      shown: `${outDir.replace(/\/+$/, "")}/${step.output}`,
    });
  }
  return outputs;
}

/**
 * Whether the render that wrote a note runs: on this host, the process of its pid that started when the note says
 * (a pid alone may be another program's by now). Another host's pids, or those of a system without `/proc`, tell
 * nothing: such a note counts for a day after it was written (rv26: a note left by a render killed on another host
 * sharing the cache folder refused that output for good).
 */
async function writerLives(file: string, name: string, note: GuardNote | null): Promise<boolean> {
  const writer = ownerOf(name);
  const here = writer.host === null || writer.host === ownerOf(ownerMark()).host;
  if (here && Deno.build.os === "linux") {
    const started = await processStarted(writer.pid);
    return started !== null && (note?.started ?? started) === started;
  }
  const info = await Deno.stat(file).catch(notFoundAsNull);
  return info?.mtime != null && Date.now() - info.mtime.getTime() < OTHER_HOST_GRACE_MS;
}

/** A note: null when it is gone (released meanwhile) or not one (written half by a killed render). */
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
    return typeof note.outputs === "object" && note.outputs !== null && Array.isArray(note.workflows)
      ? note as GuardNote
      : null;
  } catch (error) {
    if (error instanceof SyntaxError) return null;
    throw error;
  }
}
