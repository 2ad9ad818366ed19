/**
 * The custom step: a function from the workflow file, run inside the worker. The worker imports the workflow
 * module itself (functions cannot cross the worker boundary) and finds the step by id.
 * @module
 */
import { closestName } from "../../core/closest_name.ts";
import { UnrecoverableError } from "../../core/errors.ts";
import { statOrNull } from "../../core/exists.ts";
import { outsideSteps } from "../../core/step_context.ts";
import type { CustomStepInput } from "./custom_schema.ts";
import type { Json, StepOutput } from "../../core/json.ts";
import { runProcess } from "../../media/run_process.ts";
import type { StepKindDefinition } from "../../steps/step_kind.ts";
import type { StepTask } from "../../core/step_task.ts";
import { unwrittenOutputError, wroteOutput } from "../../steps/unwritten_output.ts";
import { readModuleGraph } from "../../schema/module_graph.ts";
import { fileURLToPath } from "node:url";
import { customCodeDigest } from "./resolve_custom.ts";

const modules = new Map<string, Promise<{ default?: { steps?: CustomStepInput[] } }>>();

/** The workflow module a custom step's function is in, imported once a worker. */
function workflowModule(task: StepTask): Promise<{ default?: { steps?: CustomStepInput[] } }> {
  const moduleUrl = String(task.runtime.module);
  let loading = modules.get(moduleUrl);
  if (loading === undefined) {
    // Outside the step that first needs it: what the module starts at its top level is no step's (step_context.ts).
    loading = outsideSteps(() => import(moduleUrl));
    modules.set(moduleUrl, loading);
  }
  return loading;
}

/** The step's definition in the workflow module (imported once a worker). */
async function definitionOf(task: StepTask): Promise<CustomStepInput> {
  const { step: stepId } = task.params as { step: string };
  const definition = (await workflowModule(task)).default?.steps?.find((candidate) =>
    candidate.id === stepId
  );
  if (definition === undefined) throw new UnrecoverableError(`The workflow has no custom step "${stepId}"`);
  return definition;
}

/** Each workflow module's check of the code keyed without a version, by module and digest (see below). */
const checked = new Map<string, Promise<void>>();

/**
 * Fails the step unless the code this worker imported is the code its key was made from: a workflow file edited
 * after the render planned (and before a worker first imported it) would have run the new code and stored its
 * output under the old code's key, served to the old workflow from then on. A step with a version is keyed by its
 * function's source; one without by the module graph's digest and every step's source, read again here after the
 * import (an edit between the import and this read fails the step too: the safe side).
 */
async function checkKeyedCode(task: StepTask, definition: CustomStepInput): Promise<void> {
  const code = (task.engine ?? {}) as { digest?: string; source?: string };
  const module = String(task.runtime.module);
  const changed = () =>
    new UnrecoverableError(
      `${
        module.startsWith("file:") ? fileURLToPath(module) : module
      } changed after the render planned step "${task.id}": the code a worker ` +
        "loaded is not the code its key was made from; render again",
    );
  if (typeof code.source === "string") {
    if (definition.run.toString() !== code.source) throw changed();
    return;
  }
  if (typeof code.digest !== "string" || !module.startsWith("file:")) return;
  const id = `${module} ${code.digest}`;
  let check = checked.get(id);
  if (check === undefined) {
    check = (async () => {
      const steps = (await workflowModule(task)).default?.steps ?? [];
      if (customCodeDigest((await readModuleGraph(module)).digest, steps) !== code.digest) throw changed();
    })();
    checked.set(id, check);
  }
  await check;
}

/**
 * Runs a workflow's custom step; its value is what the function returned. A step that names an output must have
 * written its file to its `outputPath` by then, or it fails, not retried.
 */
export const customStep: StepKindDefinition = {
  kind: "custom",
  version: 1,
  blocking: true,
  optionalArtifact: true,
  // The workflow module is imported, and its code checked (see `checkKeyedCode`), before the step's time starts: a
  // fresh worker's import of a workflow that imports much took longer than a short step's timeout (a 300-ms step
  // timed out), and a cancel that came while `run` still awaited the check would find no listener on its signal.
  prepare: async (task) => {
    await checkKeyedCode(task, await definitionOf(task));
  },
  run: async (task, { signal, spawn, warn }) => {
    const { step: stepId, params } = task.params as { step: string; params: Record<string, Json> };
    const definition = await definitionOf(task);
    await checkKeyedCode(task, definition);
    const inputs: Record<string, StepOutput> = {};
    for (const [i, id] of task.inputIds.entries()) inputs[id] = task.inputs[i]!;
    const outputPath = task.outputPath ?? `${task.scratchDir}/output`;
    const context: Parameters<typeof definition.run>[1] = {
      params,
      signal,
      outputPath,
      spawn: (child, childParams) => {
        // Said as a returned value is (nt15: "()=>1 could not be cloned", neither step nor field, not bad input).
        const sent = childParams ?? {};
        const problem = notJson(sent, "");
        if (problem !== null) {
          throw new UnrecoverableError(
            `Custom step "${stepId}" spawned "${child}" with params that are not JSON: ${problem}`,
            { badInput: true },
          );
        }
        // As JSON, as a step's value is: a value with `toJSON` (a URL, a Date) is what that gives, not what a
        // structured clone makes of it (rv27: a URL arrived as {}).
        spawn({ step: child, params: JSON.parse(JSON.stringify(sent)) });
      },
      warn: (message) => {
        if (typeof message !== "string" || message.trim() === "") {
          throw new UnrecoverableError(
            `Custom step "${stepId}" warned with ${
              typeof message === "string" ? "an empty message" : `a ${typeof message}`
            }: context.warn takes a sentence`,
            { badInput: true },
          );
        }
        warn(message.trim());
      },
      // The step's children go through reel's runner, so they get its kill on abort and its death guard.
      runProcess: (program, args, options = {}) =>
        runProcess(program, args, {
          ...options,
          signal: options.signal === undefined ? signal : AbortSignal.any([signal, options.signal]),
        }),
    };
    const value = await definition.run(inputs, strictFields(context));
    // Checked here, where the step runs, so a cluster's worker refuses it before it stores the value, as a local
    // run does.
    if (definition.output !== undefined && !(await wroteOutput(outputPath))) {
      throw unwrittenOutputError(task.id, definition.output);
    }
    // Said as the workflow's mistake (nt15: a folder there failed the store's rename, in its temporary names).
    // Synchronous: the step ends where its function returned; an await here let a timer it set fire while it was
    // still running, and fail it (worker_pool_test's late throws).
    const made = statOrNull(outputPath);
    if (made !== null && !made.isFile) {
      const what = made.isDirectory ? "a folder" : "something other than a file";
      throw new UnrecoverableError(
        `Custom step "${stepId}" made ${what} at its outputPath: write one file there`,
        {
          badInput: true,
        },
      );
    }
    const problem = notJson(value ?? null, "");
    if (problem !== null) {
      throw new UnrecoverableError(`Custom step "${stepId}" returned a value that is not JSON: ${problem}`, {
        badInput: true,
      });
    }
    const text = JSON.stringify(value ?? null);
    // fi5: a value of 300 MB ran the main thread out of memory (exit 133: no summary, no report, every other step
    // lost with it); one of 150 MB cost 1.4 GB.
    if (text.length > MAX_VALUE_CHARACTERS) {
      // Told in millions of characters, as it is measured (rv7: "16 MB" of 16.1 million, rounded down).
      const size = `${(text.length / 1e6).toFixed(1)} million characters`;
      const most = `${MAX_VALUE_CHARACTERS / 1e6} million at most`;
      throw new UnrecoverableError(
        `Custom step "${stepId}" returned a value of ${size} as JSON: a value is kept in the step's record and sent ` +
          `to each step that reads it (${most}); write large data to the step's outputPath`,
        { badInput: true },
      );
    }
    return JSON.parse(text) as Json;
  },
};

/** The most characters a custom step's value may have as JSON. */
const MAX_VALUE_CHARACTERS = 16_000_000;

/**
 * Where a step's value stops being JSON, in words (`at .counts a Map`), or null: JSON.stringify throws its own words
 * at a BigInt or a cycle, and turns a Map into `{}` and NaN into null without a word. A value with `toJSON` (a Date)
 * is what that gives; a field that is undefined is left out, as JSON.stringify does.
 */
function notJson(value: unknown, at: string, inside: Set<object> = new Set()): string | null {
  const place = at === "" ? "" : ` at ${at}`;
  if (value === null || typeof value === "string" || typeof value === "boolean") return null;
  if (typeof value === "number") return Number.isFinite(value) ? null : `${value}${place}`;
  if (typeof value !== "object") return `a ${typeof value}${place}`;
  if (typeof (value as { toJSON?: unknown }).toJSON === "function") return null;
  if (inside.has(value)) return `a value that contains itself${place}`;
  const prototype = Object.getPrototypeOf(value);
  const array = Array.isArray(value);
  if (!array && prototype !== Object.prototype && prototype !== null) {
    return `a ${value.constructor?.name ?? "object"}${place} (return plain objects, arrays and numbers)`;
  }
  inside.add(value);
  const entries = array
    ? (value as unknown[]).map((item, i) => [`${at}[${i}]`, item ?? null] as const)
    : Object.entries(value).filter(([, item]) => item !== undefined).map(([key, item]) =>
      [`${at}.${key}`, item] as const
    );
  for (const [path, item] of entries) {
    const problem = notJson(item, path, inside);
    if (problem !== null) return problem;
  }
  inside.delete(value);
  return null;
}

/**
 * The step's context, refusing a field it does not have whose name is near one it has (nt9: `{ outputpath }` was
 * undefined, and the step failed on writing to "", "No such file or directory (os error 2): writefile ''"). Any
 * other name reads as undefined, as of any object (rv14: lodash's `omit` asks for `length`).
 */
function strictFields<T extends object>(context: T): T {
  return new Proxy(context, {
    get(target, key, receiver) {
      if (typeof key === "string" && !(key in target)) {
        const names = Object.keys(target);
        const meant = closestName(key, names);
        if (meant !== null) {
          throw new TypeError(
            `A step's context has no field "${key}" (did you mean "${meant}"?): it has ${names.join(", ")}`,
          );
        }
      }
      return Reflect.get(target, key, receiver);
    },
  });
}
