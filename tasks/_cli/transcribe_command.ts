/**
 * `transcribe`: recordings (audio or video) into `<name>.txt`, `.srt`, `.vtt` and `.json`, through the same
 * planner, scheduler, store, limits and report as `render`: the command builds the workflow a `transcribe` field
 * would hold, sizes the workers from the work, and renders it.
 * @module
 */
import { type Command, InvalidArgumentError, Option } from "@commander-js/extra-typings";
import { COMMAND_LINE, InputError, WorkflowError } from "../../lib/core/errors.ts";
import { pathTrouble } from "../../lib/core/exists.ts";
import { POCKETSPHINX_MEMORY, transcribeWorkers } from "../../lib/jobs/transcribe/transcribe_workers.ts";
import { findFfmpeg, probeMedia } from "../../lib/media/ffmpeg.ts";
import { engineProbes } from "../../lib/plan/engine_probes.ts";
import { ProcessError } from "../../lib/media/run_process.ts";
import { planResolved } from "../../lib/run/load_plan.ts";
import { defaultCacheDir, renderLoaded } from "../../lib/run/render_workflows.ts";
import { toFileUrl } from "../../lib/workflow/load_workflow.ts";
import { resolveWorkflow } from "../../lib/workflow/resolve_workflow.ts";
import type { ResolvedWorkflow } from "../../lib/workflow/workflow_schema.ts";
import { isFolder, plainPath, RECORDING_FILES } from "../../lib/schema/input_files.ts";
import { type CommandOutcome, folderName, JSON_EVENTS, positiveInteger, workerCount } from "./options.ts";
import { runReported } from "./render_command.ts";
import { transcribeWorkflow } from "./_transcribe_workflow.ts";
import { tunedSetting } from "./tune_command.ts";

const EXAMPLES = `
Examples (with Deno installed, \`deno task\` alone does the same):
  npx -y deno@2.9.6 task transcribe lecture.mp4                     pocketsphinx, here: out/lecture.txt .srt .vtt .json
  npx -y deno@2.9.6 task transcribe a.mp3 b.m4a --out transcripts --workers 2 --chunk 45
  OPENAI_API_KEY=... npx -y deno@2.9.6 task transcribe talk.mp3 --engine openai --rpm 50
  npx -y deno@2.9.6 task transcribe talk.mp3 --engine whisper --base-url http://127.0.0.1:8000/v1 --model large-v3`;

function seconds(value: string): number {
  const n = Number(value);
  // Each option's bounds (a chunk of 5 s at least, an overlap of 1 s or more) are the workflow schema's, said there.
  if (value.trim() === "" || !Number.isFinite(n)) {
    throw new InvalidArgumentError("Expected a number of seconds");
  }
  return n;
}

/**
 * Adds `transcribe` to the program.
 *
 * @param program The program.
 * @param context Where the exit code goes.
 */
export function addTranscribeCommand(program: Command, context: { outcome: CommandOutcome }): void {
  const command = program.command("transcribe")
    .description("Transcribe recordings (audio or video) into text, SRT, WebVTT and JSON with word times")
    .argument("<recording...>", "audio or video files")
    .option(
      "--engine <name>",
      "pocketsphinx, openai, or a name for an OpenAI-compatible server",
      "pocketsphinx",
    )
    .option("-o, --out <dir>", "output folder", folderName, "out")
    .option(
      "--workers <n>",
      "workers, or auto: the count `reel tune` found best (default: from the chunks, cores and free memory)",
      workerCount,
    )
    .option("--chunk <seconds>", "target chunk length (default: 90 local, 600 hosted)", seconds)
    .option(
      "--overlap <seconds>",
      "audio both chunks hear around a cut inside speech (default 2, at least 1)",
      seconds,
    )
    .option("--context <seconds>", "audio a chunk hears before its own part (default 2)", seconds)
    .option("--language <code>", "the language, e.g. en")
    .option("--model <name>", "the model of a hosted engine (default whisper-1)")
    .option("--prompt <text>", "words a hosted engine should expect")
    .option("--base-url <url>", "where the engine's OpenAI-compatible server answers")
    .option("--key-env <name>", "the variable holding its key (default OPENAI_API_KEY)")
    .addOption(new Option("--rpm <n>", "the engine's requests per minute").argParser(positiveInteger))
    .addOption(new Option("--concurrency <n>", "the engine's calls in flight").argParser(positiveInteger))
    .option("--cache <dir>", "artifact store (default: REEL_CACHE or .reel/ here)", folderName)
    .option("--force", "ignore the store: hear every chunk again")
    .option("--json", JSON_EVENTS)
    .option("-q, --quiet", "print only the summary, errors and what a Ctrl-C waits for");
  command.addHelpText("after", EXAMPLES);
  command.action(async (named, options) => {
    const workflow = await resolveCommandLine(await onceEach(await inFolders(named)), options);
    const workers = await workerCountOf(options.workers, workflow);
    const plan = await planResolved([workflow], { limits: { workers, cpu: workers } });
    const mode = options.json === true ? "json" : options.quiet === true ? "quiet" : "auto";
    const focus = { kind: "transcribe-chunk", noun: "chunks", media: "audio" };
    context.outcome.exitCode = await runReported(
      { mode, outDir: options.out, focus },
      (hooks) =>
        renderLoaded({ plan, workflows: [workflow] }, {
          ...hooks,
          outDir: options.out,
          cacheDir: options.cache ?? defaultCacheDir(null),
          force: options.force === true,
        }),
    );
  });
}

/**
 * The recordings named, a folder's in its place: its audio and video files, sorted (nt8: "Expected a recording, got a
 * folder", where `variants` takes one). A folder that holds none is refused, naming it.
 */
async function inFolders(named: readonly string[]): Promise<string[]> {
  const recordings: string[] = [];
  for (const name of named) {
    if (!await isFolder(name)) {
      recordings.push(name);
      continue;
    }
    const found = await plainPath(name, RECORDING_FILES);
    if (found.length === 0) {
      throw new InputError(`The folder ${name} holds no ${RECORDING_FILES.what}`, { where: name });
    }
    recordings.push(...found);
  }
  return recordings;
}

/**
 * The recordings, each file once, as first named: the same file named twice (`a.mp3 ./a.mp3`, a glob's match and its
 * name) was transcribed twice, into `a.*` and `a-2.*`. A name that leads to no file (nothing there, links that loop,
 * a folder it may not enter) is kept as written, for the check to name (fi10: a loop stopped the command with
 * Deno's FilesystemLoop and its stack, exit 1).
 */
async function onceEach(recordings: readonly string[]): Promise<string[]> {
  const files = await Promise.all(recordings.map(async (recording) => {
    try {
      return await Deno.realPath(recording);
    } catch (error) {
      // Nothing there, links that loop, a folder it may not enter, a name too long (fi22): kept as written.
      if (pathTrouble(error, recording) !== null) return recording;
      throw error;
    }
  }));
  return recordings.filter((_, i) => files.indexOf(files[i]!) === i);
}

/** The workflow the command line stands for, resolved; a mistake names the argument or option. */
async function resolveCommandLine(
  recordings: string[],
  options: Parameters<typeof transcribeWorkflow>[1],
): Promise<ResolvedWorkflow> {
  const file = COMMAND_LINE;
  try {
    return await resolveWorkflow(transcribeWorkflow(recordings, options), {
      file,
      moduleUrl: toFileUrl(`${Deno.cwd()}/`).href,
    });
  } catch (error) {
    if (!(error instanceof WorkflowError)) throw error;
    throw new WorkflowError(
      file,
      error.issues.map((issue) => {
        // The engine's server is a provider the options made: its fields are their options (before: "→ at
        // providers.whisper.baseUrl (the command line)" for --base-url).
        const provider = /^providers\.[^.]+\.(\w+)/.exec(issue.path);
        if (provider !== null) {
          const field = provider[1]!;
          const flag = field === "rate"
            ? "--rpm"
            : `--${field.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
          return { path: flag, message: issue.message };
        }
        const match = /^transcribe\[(\d+)\]\.(\w+)/.exec(issue.path);
        if (match === null) return issue;
        const path = match[2] === "input" ? `${recordings[Number(match[1])]}` : `--${match[2]}`;
        return { path, message: issue.message };
      }),
      { cause: error },
    );
  }
}

/**
 * The workers a transcription runs on: as given; else sized from the work; for `auto`, what tune saved within that
 * size (rv13: tune measures encodes, and the cores it took without a saved setting ran more pocketsphinx processes
 * than the memory holds).
 */
async function workerCountOf(
  given: number | "auto" | undefined,
  workflow: ResolvedWorkflow,
): Promise<number> {
  if (typeof given === "number") return given;
  const sized = await sizeWorkers(workflow);
  if (given === undefined) return sized;
  const tuned = await tunedSetting({ otherwise: "sized from the chunks, cores and memory" });
  return Math.min(sized, tuned?.workers ?? sized);
}

/** Workers from the work: the chunks the recordings hold, the cores, and what the engine's processes take. */
async function sizeWorkers(workflow: ResolvedWorkflow): Promise<number> {
  const files = workflow.jobs.transcribe?.files ?? [];
  const ffmpeg = await findFfmpeg();
  // Asked of ffmpeg and ffprobe first, under a time limit (as the plan asks them after): an ffprobe that hangs stops
  // the command, exit 2 (before, the probes below waited on it for good).
  await engineProbes.ffmpeg(ffmpeg);
  let chunks = 0;
  for (const file of files) {
    try {
      chunks += Math.ceil((await probeMedia(ffmpeg, file.input)).duration / file.chunk);
    } catch (error) {
      // A recording ffprobe cannot read is named by the checks before the run.
      if (!(error instanceof ProcessError || error instanceof RangeError)) throw error;
    }
  }
  const local = files.some((file) => file.engine.kind === "pocketsphinx");
  return transcribeWorkers({
    chunks: Math.max(1, chunks),
    cores: navigator.hardwareConcurrency,
    availableMemory: Deno.systemMemoryInfo().available,
    memoryPerProcess: local ? POCKETSPHINX_MEMORY : null,
  });
}
