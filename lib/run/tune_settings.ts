/**
 * The settings `reel tune` measured best on this machine, kept in `$XDG_CONFIG_HOME/reel/tune.json` (or
 * `~/.config/reel/tune.json`); `--workers auto` reads them.
 * @module
 */
import { InputError, messageOf } from "../core/errors.ts";
import { writeFileWhole } from "../core/write_file_whole.ts";

/** One setting tried and how it did. */
export interface TuneResult {
  /** Web Workers in the pool. */
  workers: number;
  /** CPU-heavy steps at once. */
  cpu: number;
  /** Wall time of the sample, in ms. */
  wallMs: number;
  /** Steps of the sample finished per second. */
  stepsPerSecond: number;
}

/** What tune.json holds. */
export interface TuneSettings {
  /** The best setting's workers. */
  workers: number;
  /** The best setting's CPU slots. */
  cpu: number;
  /** The cores the machine had when measured (a different count makes the settings stale). */
  cores: number;
  /** When, as an ISO date. */
  measuredAt: string;
  /** The workflow whose steps were the sample. */
  workflow: string;
  /** Every setting tried. */
  results: TuneResult[];
}

/**
 * Where tune.json lives: `$XDG_CONFIG_HOME/reel/tune.json`, else `$HOME/.config/reel/tune.json`.
 *
 * @param env Reads environment variables. @default Deno.env.get
 * @returns The path, or null when neither variable is set.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { tuneFile } from "./tune_settings.ts";
 * assert.equal(tuneFile((name) => ({ HOME: "/home/ada" })[name]), "/home/ada/.config/reel/tune.json");
 * ```
 */
export function tuneFile(env: (name: string) => string | undefined = Deno.env.get): string | null {
  const config = env("XDG_CONFIG_HOME");
  if (config !== undefined && config !== "") return `${config.replace(/\/+$/, "")}/reel/tune.json`;
  const home = env("HOME");
  return home === undefined || home === "" ? null : `${home.replace(/\/+$/, "")}/.config/reel/tune.json`;
}

/**
 * Reads tune.json.
 *
 * @param path The file.
 * @returns The settings, or null when there is no such file.
 * @throws {InputError} When the file is not settings `tune` wrote (not JSON, a field missing or wrong), naming it.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { readTuneSettings } from "./tune_settings.ts";
 * assert.equal(await readTuneSettings("/no/such/tune.json"), null);
 * ```
 */
export async function readTuneSettings(path: string): Promise<TuneSettings | null> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return null;
    throw new InputError(
      `Cannot read the tune settings ${path}: ${messageOf(error)}`,
      { where: path, cause: error },
    );
  }
  const damaged = (why: string) =>
    new InputError(`The tune settings ${path} are damaged: ${why}`, {
      where: path,
      hint: "Measure again with `npx -y deno@2.9.6 task reel tune <workflow>`, or remove the file",
    });
  let parsed: Partial<TuneSettings> | null;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw damaged(`not JSON (${messageOf(error)})`);
  }
  const whole = (value: unknown) => typeof value === "number" && Number.isInteger(value) && value >= 1;
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) throw damaged("not an object");
  for (const field of ["workers", "cpu", "cores"] as const) {
    if (!whole(parsed[field])) throw damaged(`"${field}" is not a whole number of at least 1`);
  }
  return parsed as TuneSettings;
}

/**
 * Writes tune.json whole (to a temporary name, then renamed), making its folder.
 *
 * @param path The file.
 * @param settings The settings.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { readTuneSettings, writeTuneSettings } from "./tune_settings.ts";
 * const dir = await Deno.makeTempDir();
 * const settings = { workers: 3, cpu: 3, cores: 2, measuredAt: "2025-01-01T00:00:00Z", workflow: "w.ts", results: [] };
 * await writeTuneSettings(`${dir}/reel/tune.json`, settings);
 * assert.deepEqual(await readTuneSettings(`${dir}/reel/tune.json`), settings);
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function writeTuneSettings(path: string, settings: TuneSettings): Promise<void> {
  await writeFileWhole(path, `${JSON.stringify(settings, null, 2)}\n`);
}
