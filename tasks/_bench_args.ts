/**
 * The command line of the bench tasks, read strictly: a bench runs for minutes, so `--help`, a mistyped flag or a
 * bad value must stop it before it starts, not be ignored.
 * @module
 */

/** One flag of a bench task, written `--name` on the command line. */
export interface BenchFlag {
  /** `switch`: present or not; `count`: a whole number of at least 1 follows; `choice`: one of `choices` follows. */
  kind: "switch" | "count" | "choice";
  /** The words a `choice` flag takes. @default [] */
  choices?: readonly string[];
  /** One line for the usage: what the flag changes. */
  help: string;
}

/** What a bench task tells of itself in its usage, and the flags it takes. */
export interface BenchUsage<F extends Record<string, BenchFlag>> {
  /** The task's name in deno.json, e.g. `bench:montage`. */
  task: string;
  /** What it measures and how long it takes, a few lines. */
  about: string;
  /** Its flags, by name without the dashes. */
  flags: F;
  /** How the arguments that are not flags are written (`[engine:voice ...]`), or null when there are none. @default null */
  operands?: string | null;
  /** What is wrong with one of the other arguments, or null when it is good. @default every one is good */
  checkOperand?: (operand: string) => string | null;
}

/** A flag's value: a switch is on or off; a count or a choice is null when the flag is not given. */
export type BenchFlagValue<F extends BenchFlag> = F["kind"] extends "switch" ? boolean
  : F["kind"] extends "count" ? number | null
  : string | null;

/** The command line, read: every flag's value, and the other arguments in order. */
export interface BenchArgs<F extends Record<string, BenchFlag>> {
  /** Each flag's value, by name. */
  flags: { [K in keyof F]: BenchFlagValue<F[K]> };
  /** The arguments that are not flags (only where the usage names `operands`). */
  operands: string[];
}

/** A command line that a bench task does not take: an unknown flag, a missing or bad value, a stray argument. */
export class BenchArgsError extends Error {
  /**
   * @param message What is wrong, naming the argument.
   */
  constructor(message: string) {
    super(message);
    this.name = "BenchArgsError";
  }
}

/**
 * Reads a bench task's arguments, refusing any it does not know.
 *
 * @param args The arguments, e.g. `Deno.args`.
 * @param usage The task's flags.
 * @returns The values, or `"help"` when `--help` or `-h` is among the arguments.
 * @throws {BenchArgsError} On an unknown flag, a flag without its value, a bad value, or an argument that is not
 * a flag where the task takes none.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseBenchArgs } from "./_bench_args.ts";
 * const usage = { task: "bench", about: "", flags: { quick: { kind: "switch", help: "" }, runs: { kind: "count", help: "" } } } as const;
 * const args = parseBenchArgs(["--runs", "5"], usage);
 * assert.deepEqual(args !== "help" && args.flags, { quick: false, runs: 5 });
 * assert.throws(() => parseBenchArgs(["--quik"], usage), /unknown flag --quik/);
 * ```
 */
export function parseBenchArgs<F extends Record<string, BenchFlag>>(
  args: readonly string[],
  usage: BenchUsage<F>,
): BenchArgs<F> | "help" {
  if (args.includes("--help") || args.includes("-h")) return "help";
  const flags: Record<string, boolean | number | string | null> = {};
  for (const [name, flag] of Object.entries(usage.flags)) flags[name] = flag.kind === "switch" ? false : null;
  const operands: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (!arg.startsWith("-")) {
      if ((usage.operands ?? null) === null) throw new BenchArgsError(`unexpected argument "${arg}"`);
      const problem = usage.checkOperand?.(arg) ?? null;
      if (problem !== null) throw new BenchArgsError(problem);
      operands.push(arg);
      continue;
    }
    // `--runs=5` reads as `--runs 5`.
    const [written, inline] = arg.includes("=")
      ? [arg.slice(0, arg.indexOf("=")), arg.slice(arg.indexOf("=") + 1)]
      : [arg, null];
    const name = written.replace(/^--?/, "");
    const flag = Object.hasOwn(usage.flags, name) ? usage.flags[name]! : null;
    if (flag === null || !written.startsWith("--")) throw new BenchArgsError(`unknown flag ${written}`);
    if (flag.kind === "switch") {
      if (inline !== null) throw new BenchArgsError(`${written} takes no value`);
      flags[name] = true;
      continue;
    }
    const value = inline ?? args[++i];
    if (value === undefined || (inline === null && value.startsWith("-"))) {
      throw new BenchArgsError(`${written} needs a value`);
    }
    if (flag.kind === "count") {
      if (!/^[1-9]\d*$/.test(value)) {
        throw new BenchArgsError(`${written} takes a whole number of at least 1, not "${value}"`);
      }
      flags[name] = Number(value);
    } else {
      const choices = flag.choices ?? [];
      if (!choices.includes(value)) {
        throw new BenchArgsError(`${written} takes ${choices.join(" or ")}, not "${value}"`);
      }
      flags[name] = value;
    }
  }
  return { flags: flags as BenchArgs<F>["flags"], operands };
}

/**
 * Writes a bench task's usage: what it measures, how it is called, and its flags.
 *
 * @param usage The task's usage.
 * @returns The text, ending with a newline.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { formatBenchUsage } from "./_bench_args.ts";
 * const text = formatBenchUsage({ task: "bench:sound", about: "Times narration.", flags: { quick: { kind: "switch", help: "1 run" } } });
 * assert.match(text, /deno task bench:sound \[--quick\]/);
 * ```
 */
export function formatBenchUsage<F extends Record<string, BenchFlag>>(usage: BenchUsage<F>): string {
  const written = Object.entries(usage.flags).map(([name, flag]) =>
    flag.kind === "switch"
      ? `--${name}`
      : `--${name} ${flag.kind === "count" ? "N" : (flag.choices ?? []).join("|")}`
  );
  const call = [`deno task ${usage.task}`, ...written.map((flag) => `[${flag}]`), usage.operands ?? null];
  const lines = Object.values(usage.flags).map((flag, i) => `  ${written[i]!.padEnd(28)} ${flag.help}`);
  lines.push(`  ${"--help, -h".padEnd(28)} print this and run nothing`);
  return `${usage.about.trim()}\n\nUsage: ${call.filter((part) => part !== null).join(" ")}\n\n${
    lines.join("\n")
  }\n`;
}

/**
 * Reads a bench task's command line, and ends the process where it is not a run: on `--help` it prints the usage
 * and exits 0; on an argument it does not take it prints what is wrong and exits 2. Either way nothing has run.
 *
 * @param usage The task's usage.
 * @param args The arguments. @default Deno.args
 * @returns The values, when the task is to run.
 *
 * @example
 * ```ts
 * import { benchArgs } from "./_bench_args.ts";
 * const usage = { task: "bench:sound", about: "Times narration.", flags: { quick: { kind: "switch", help: "1 run" } } } as const;
 * const { flags } = benchArgs(usage, []);
 * console.log(flags.quick); // false
 * ```
 */
export function benchArgs<F extends Record<string, BenchFlag>>(
  usage: BenchUsage<F>,
  args: readonly string[] = Deno.args,
): BenchArgs<F> {
  try {
    const parsed = parseBenchArgs(args, usage);
    if (parsed !== "help") return parsed;
    console.log(formatBenchUsage(usage).trimEnd());
    Deno.exit(0);
  } catch (error) {
    if (!(error instanceof BenchArgsError)) throw error;
    console.error(`✖ ${error.message}\n  → see deno task ${usage.task} --help`);
    Deno.exit(2);
  }
}
