/**
 * `variants`: inputs × recipes → outputs from the command line, without a workflow file: renditions of a video,
 * N random variants of it, or one recipe over a folder of files (a batch transcode).
 * @module
 */
import { type Command, Option } from "@commander-js/extra-typings";
import { COMMAND_LINE, InputError, WorkflowError } from "../../lib/core/errors.ts";
import type { RecipeInput } from "../../lib/jobs/variants/recipe_schema.ts";
import { planLoaded } from "../../lib/run/load_plan.ts";
import { defaultCacheDir, renderLoaded } from "../../lib/run/render_workflows.ts";
import { resolveWorkflow } from "../../lib/workflow/resolve_workflow.ts";
import {
  inRecipeFile,
  isRecipeFile,
  readRecipeFile,
  type RecipeFile,
} from "../../lib/workflow/recipe_file.ts";
import type { WorkflowInput } from "../../lib/workflow/workflow_schema.ts";
import {
  addLimitOptions,
  type CommandOutcome,
  folderName,
  JSON_EVENTS,
  limitOptions,
  list,
  positiveInteger,
} from "./options.ts";
import { runReported } from "./render_command.ts";

const EXAMPLES = `
Recipes: web, vertical, square, widescreen, ladder, hls, shuffle, or a .json/.ts file holding a recipe.
Examples:
  npx -y deno@2.9.6 task reel variants talk.mp4 --recipe shuffle --count 5 --seed 7 --out variants
  npx -y deno@2.9.6 task reel variants talk.mp4 --recipe vertical --recipe square --out social
  npx -y deno@2.9.6 task reel variants 'footage/*.mov' --recipe web --out web --timeout 600000`;

/**
 * Adds `variants` to the program.
 *
 * @param program The program.
 * @param context Where the exit code goes.
 */
export function addVariantsCommand(program: Command, context: { outcome: CommandOutcome }): void {
  const command = program.command("variants")
    .description("Make outputs of input videos by recipes: formats, renditions, seeded random variants")
    .argument("<input...>", "input files, globs (quote them) or folders")
    .requiredOption("--recipe <name|file>", "a built-in recipe or a recipe file (repeatable)", list)
    .option("--count <n>", "variants per random recipe", positiveInteger)
    .option(
      "--seed <seed>",
      "seed of the random draws (same seed, same variants)",
      (text) => /^-?\d+$/.test(text) ? Number(text) : text,
    )
    .option("-o, --out <dir>", "output folder", folderName, "out")
    .option("--cache <dir>", "artifact store (default: REEL_CACHE, else .reel/ here)", folderName)
    .option("--force", "ignore the store: run every step")
    .option("--json", JSON_EVENTS)
    .option("-q, --quiet", "print only the summary, errors and what a Ctrl-C waits for")
    .addOption(
      new Option(
        "--timeout <ms>",
        "a probe's and an encode's base timeout (default 1 and 5 min; encodes add 5 s per input second)",
      )
        .argParser(positiveInteger),
    );
  // A batch of variants has no videos, sections, formats, provider calls or custom steps: those options are not
  // offered.
  addLimitOptions(command, ["videos", "sections", "api", "global", "custom", "only", "format"]);
  command.addHelpText("after", EXAMPLES);
  command.action(async (inputs, options, self) => {
    const { limits, encoder } = limitOptions(self);
    const read = await Promise.all(options.recipe.map(readRecipe));
    const recipes = read.map((each) => each.recipe);
    const input: WorkflowInput = {
      name: "variants",
      ...(options.timeout === undefined ? {} : { timeout: options.timeout }),
      variants: [{ id: "variants", inputs, recipes, count: options.count, seed: options.seed }],
    };
    const workflow = await resolveWorkflow(input, {
      file: COMMAND_LINE,
      moduleUrl: `file://${Deno.cwd()}/variants`,
    }).catch((error) => {
      throw error instanceof WorkflowError
        ? inRecipeFile(atArguments(error, { inputs, recipes: options.recipe }), read.map((each) => each.file))
        : error;
    });
    const loaded = await planLoaded([workflow], { limits, encoder });
    const mode = options.json === true ? "json" : options.quiet === true ? "quiet" : "auto";
    const cacheDir = options.cache ?? defaultCacheDir(null);
    context.outcome.exitCode = await runReported(
      { mode, outDir: options.out },
      (hooks) =>
        renderLoaded(loaded, { ...hooks, outDir: options.out, cacheDir, force: options.force === true }),
    );
  });
}

/**
 * Names the argument or option a mistake came from: `→ at --count`, `→ at clips/a.mp4`, `→ at --recipe verticle`, as
 * transcribe names its own (before, `→ at variants[0].count (the command line)`, and `variants[0].inputs[0]`,
 * `variants[0].recipes[0]`: nt3). A recipe file's mistakes are placed in it after (see `inRecipeFile`).
 */
function atArguments(error: WorkflowError, given: { inputs: string[]; recipes: string[] }): WorkflowError {
  const where = (path: string): string | null => {
    const option = /^variants\[0\]\.(count|seed)$/.exec(path)?.[1];
    if (option !== undefined) return `--${option}`;
    const input = /^variants\[0\]\.inputs\[(\d+)\]$/.exec(path)?.[1];
    if (input !== undefined) return given.inputs[Number(input)] ?? null;
    const recipe = /^variants\[0\]\.recipes\[(\d+)\]$/.exec(path)?.[1];
    const name = recipe === undefined ? undefined : given.recipes[Number(recipe)];
    return name === undefined || isRecipeFile(name) ? null : `--recipe ${name}`;
  };
  if (!error.issues.some((issue) => where(issue.path) !== null)) return error;
  const issues = error.issues.map((issue) => ({ ...issue, path: where(issue.path) ?? issue.path }));
  return new WorkflowError(error.file, issues, { cause: error });
}

/** A built-in recipe's name as it is, or a recipe file's recipe and its places (see `recipe_file.ts`). */
async function readRecipe(value: string): Promise<{ recipe: string | RecipeInput; file: RecipeFile | null }> {
  if (isRecipeFile(value)) {
    const file = await readRecipeFile(value);
    return { recipe: file.recipe, file };
  }
  // A path to something else (a picture, a folder): before, "Expected a recipe name like vertical".
  if (/[/.]/.test(value)) {
    throw new InputError(
      `--recipe ${value} is neither a recipe's name nor a recipe file (a .json or .ts file holding a recipe)`,
      { where: "--recipe" },
    );
  }
  return { recipe: value, file: null };
}
