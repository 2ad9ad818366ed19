/**
 * The reel CLI: `render`, `transcribe`, `plan`, `estimate`, `cache` and `schema`. Run through `deno task render <workflow...>`
 * or `deno task reel <command>`. Exit codes: 0 ok, 1 some step failed, 2 bad input, 130 interrupted.
 * @module
 */
import { Command, CommanderError, type CommandUnknownOpts } from "@commander-js/extra-typings";
import { InputError } from "../../lib/core/errors.ts";
import { checkTempFolder } from "../../lib/run/temp_folder.ts";
import { fixMmapThreshold } from "../../lib/core/malloc_tuning.ts";
import { paceHeap } from "../../lib/core/heap_pacer.ts";
import { dropEarlyWorkers } from "../../lib/workers/early_workers.ts";
import { workflowJsonSchema } from "../../lib/workflow/workflow_json_schema.ts";
import { addCacheCommands } from "./cache_commands.ts";
import { type CommandOutcome, EXIT, JSON_EVENTS, printError, writeRefusal } from "./options.ts";
import { addPlanCommands } from "./plan_commands.ts";
import { addRenderCommand } from "./render_command.ts";
import { addVariantsCommand } from "./variants_command.ts";
import { addDoctorCommand } from "./doctor_command.ts";
import { addTuneCommand } from "./tune_command.ts";
import { addClusterCommands } from "./cluster_commands.ts";
import { addWorkerCommand } from "./worker_command.ts";
import { addTranscribeCommand } from "./transcribe_command.ts";
import { reelCommand } from "./invoked_as.ts";
import { enterUserDirectory } from "../_user_directory.ts";
import config from "../../deno.json" with { type: "json" };

/**
 * Runs the CLI.
 *
 * @param args The arguments after the program's name.
 * @returns The exit code.
 */
export async function main(args: string[]): Promise<number> {
  fixMmapThreshold();
  const outcome: CommandOutcome = { exitCode: EXIT.ok };
  const program = new Command()
    .name("reel")
    .description("Render narrated slide videos from declarative workflow files.")
    .version(config.version, "--version", "print reel's version")
    .exitOverride()
    .configureOutput({
      writeErr: (text) => Deno.stderr.writeSync(new TextEncoder().encode(text)),
      // Said as reel's own refusals are, below (nt20: `error: required option …` read as another program's).
      outputError: () => {},
    });
  addRenderCommand(program, { args, outcome });
  addTranscribeCommand(program, { outcome });
  addPlanCommands(program);
  addCacheCommands(program);
  addVariantsCommand(program, { outcome });
  addDoctorCommand(program);
  addTuneCommand(program);
  addWorkerCommand(program, outcome);
  addClusterCommands(program);
  program.command("schema")
    .description("Print the JSON Schema of the workflow format (for editors)")
    .action(() => console.log(JSON.stringify(workflowJsonSchema(), null, 2)));
  // The commands that run engines check TMPDIR before they act (not `--help`, `schema`, `cache ls|gc`, `cluster
  // status`, which write nothing there).
  program.hook("preAction", (_program, action) => {
    if (!["schema", "ls", "gc", "status"].includes(action.name())) checkTempFolder();
  });
  // Long renders keep the main thread's garbage in bounds (with --expose-gc, as reel's tasks run; else a no-op).
  const stopPacing = paceHeap();
  try {
    enterUserDirectory();
    await program.parseAsync(args, { from: "user" });
  } catch (error) {
    if (error instanceof CommanderError) {
      const help = ["commander.helpDisplayed", "commander.version", "commander.help"].includes(error.code);
      if (help) return EXIT.ok;
      // One line: commander's suggestion (`(Did you mean --format?)`) on it.
      const words = error.message.replace(/^error: /, "").replace(/\n\(Did you mean /, " (did you mean ");
      console.error(
        `✖ ${words.charAt(0).toUpperCase()}${words.slice(1)}\n  See ${
          [reelCommand(), ...commandPath(program, args).split(" ").slice(1)].join(" ")
        } --help`,
      );
      if (asksJsonLines(program, args)) writeRefusal(words);
      return EXIT.input;
    }
    if (error instanceof InputError) {
      printError(error);
      if (asksJsonLines(program, args)) writeRefusal(error);
      return EXIT.input;
    }
    throw error;
  } finally {
    stopPacing();
    dropEarlyWorkers();
  }
  return outcome.exitCode;
}

/**
 * The command the arguments name, as typed (`reel cache gc`): as far as the words name commands.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Command } from "@commander-js/extra-typings";
 * import { commandPath } from "./main.ts";
 * const program = new Command().name("reel");
 * program.command("cache").command("gc");
 * assert.equal(commandPath(program, ["cache", "gc", "--max-size"]), "reel cache gc");
 * assert.equal(commandPath(program, ["--bogus"]), "reel");
 * ```
 */
export function commandPath(program: CommandUnknownOpts, args: readonly string[]): string {
  const path = [program.name()];
  let at = program;
  for (const arg of args) {
    const next = at.commands.find((command) => command.name() === arg || command.aliases().includes(arg));
    if (next === undefined) break;
    path.push(next.name());
    at = next;
  }
  return path.join(" ");
}

/**
 * Whether the arguments ask a command whose `--json` prints its run's events (its option says so:
 * {@linkcode JSON_EVENTS}) for them, read from the arguments alone, not from commander's parse, which stops at a
 * refused value before a later `--json` (nt14: `--chunk abc --json` wrote no line); a value an option takes is not an
 * option (rv6: `--out --json` names a folder). nt8: `variants` and `transcribe` wrote no line when they refused.
 */
function asksJsonLines(program: Command, args: readonly string[]): boolean {
  const at = args.findIndex((arg) => !arg.startsWith("-"));
  const command = program.commands.find((command) =>
    command.name() === args[at] || command.aliases().includes(args[at]!)
  );
  if (command === undefined || !command.options.some((option) => option.description === JSON_EVENTS)) {
    return false;
  }
  for (let i = at + 1; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === "--") return false;
    if (arg === "--json") return true;
    const option = command.options.find((option) => option.long === arg || option.short === arg);
    // Its value is the next argument: always for a required one, unless it is an option for an optional one.
    if (option?.required || (option?.optional && !(args[i + 1] ?? "-").startsWith("-"))) i++;
  }
  return false;
}
