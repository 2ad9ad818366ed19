/**
 * A variants recipe read from its own file (`reel variants talk.mp4 --recipe fast.json`): JSON, or a module's
 * default export. Its mistakes are told in that file at the line and column of their values, in the file's order,
 * as a workflow file's are (nt12: they were told without places, in the schema's order, the file's own as
 * "the recipe").
 * @module
 */
import { InputError, WorkflowError, WorkflowErrors, type WorkflowIssue } from "../core/errors.ts";
import { pathTrouble } from "../core/exists.ts";
import type { RecipeInput } from "../jobs/variants/recipe_schema.ts";
import { importFailureIssue } from "./import_failure.ts";
import { readWorkflowText, toFileUrl } from "./load_workflow.ts";
import { placesOfCode } from "./_code_places.ts";
import { placedIssue, type PlaceFinder } from "./_value_places.ts";

/** Where a recipe stands in a workflow, whose schema tells the fields a recipe file may hold. */
const RECIPE_AT = ["variants", 0, "recipes", 0];

/** A recipe read from a file, and where each of its values is written there. */
export interface RecipeFile {
  /** The file, as the user named it. */
  file: string;
  /** The recipe; an overlay image's relative path made absolute (it is read from beside the file). */
  recipe: RecipeInput;
  /** Finds the line and column of a path in the recipe (`overlay.image`), or null. */
  placeOf: PlaceFinder;
}

/**
 * Whether `--recipe` names a recipe file (else a built-in recipe).
 *
 * @param value What `--recipe` was given.
 * @returns True for a `.json`, `.ts` or `.js` file's name.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { isRecipeFile } from "./recipe_file.ts";
 * assert.ok(isRecipeFile("fast.json") && isRecipeFile("mine.ts"));
 * assert.ok(!isRecipeFile("vertical"));
 * ```
 */
export function isRecipeFile(value: string): boolean {
  return /\.(json|[cm]?[jt]s)$/.test(value);
}

/**
 * Reads a recipe file.
 *
 * @param value The file, as `--recipe` named it (relative to the working folder).
 * @returns The recipe and its places.
 * @throws {InputError} When the file is missing, a folder, empty, or holds no object.
 * @throws {WorkflowError} When it does not parse (at its line and column), or its import throws.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { readRecipeFile } from "./recipe_file.ts";
 * const dir = await Deno.makeTempDir();
 * await Deno.writeTextFile(`${dir}/r.json`, '{\n  "name": "r",\n  "format": "1:1"\n}\n');
 * const { recipe, placeOf } = await readRecipeFile(`${dir}/r.json`);
 * assert.equal(recipe.name, "r");
 * assert.deepEqual(placeOf("format"), { line: 3, column: 13 });
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function readRecipeFile(value: string): Promise<RecipeFile> {
  const path = value.startsWith("/") ? value : `${Deno.cwd()}/${value}`;
  const unreadable = (why: string, options: { cause?: unknown } = {}) =>
    new InputError(`Cannot read the recipe file ${value}: ${why}`, { where: value, cause: options.cause });
  let text: string;
  try {
    const info = await Deno.stat(path);
    // rv13: a folder named so (`r.json/`) stopped the command with Deno's IsADirectory and its trace.
    if (!info.isFile) throw unreadable("it is a folder");
    text = await readWorkflowText(value, path, "recipe");
  } catch (error) {
    // nt8: a JSON file's said as the system's words and the call ("readfile '/tmp/…'").
    // A path through a file (`r.json/x.ts`, rv42's kind), a loop of links, a name too long (fi22: each stopped
    // with Deno's words and its trace) says so.
    if (error instanceof InputError) throw error;
    const trouble = pathTrouble(error, value);
    if (trouble !== null) {
      throw unreadable(error instanceof Deno.errors.NotADirectory ? `not found (${trouble})` : trouble, {
        cause: error,
      });
    }
    throw error;
  }
  if (text.trim() === "") throw unreadable("it is empty");
  const module = !value.endsWith(".json");
  let recipe: unknown;
  let placeOf: PlaceFinder;
  if (module) {
    // Its name as written (`r#1.ts`: a "#" in a URL starts its fragment).
    const url = toFileUrl(path).href;
    try {
      recipe = ((await import(url)) as { default?: unknown }).default;
    } catch (error) {
      // Any error of its import is the file's: a syntax error, a helper it imports that is missing, or its own
      // code that threw.
      throw new WorkflowError(value, [importFailureIssue(error, url)], { cause: error, holds: "recipe" });
    }
    placeOf = placesOfCode(text, { given: recipe }, RECIPE_AT);
  } else {
    // Loaded for a JSON recipe only: their YAML parser (JSON is YAML) costs every other start ~60 ms.
    const [{ parseDataWorkflow }, { placesOfText }] = await Promise.all([
      import("./data_workflow.ts"),
      import("./_source_places.ts"),
    ]);
    try {
      recipe = parseDataWorkflow(text, { format: "json", file: value }).value;
    } catch (error) {
      // JSON that does not parse, a key written twice, nesting too deep: at its place, as a recipe's.
      if (!(error instanceof WorkflowError)) throw error;
      throw new WorkflowError(value, error.issues, { cause: error, holds: "recipe" });
    }
    let finder: PlaceFinder | null = null;
    // Read only when a message needs them.
    placeOf = (path, field) => (finder ??= placesOfText(text, RECIPE_AT))(path, field);
  }
  if (typeof recipe !== "object" || recipe === null) {
    // A module without a default export said only "holds no recipe object" (newcomer trial).
    throw new InputError(
      module && recipe === undefined
        ? `The recipe file ${value} has no default export`
        : `The recipe file ${value} holds no recipe object`,
      {
        where: value,
        hint: module ? 'Write `export default { name: "mine", format: "9:16" }`' : undefined,
      },
    );
  }
  // An overlay image is read from beside the recipe file: in a copy, so the values as the module gave them are the
  // ones its places are checked against (rv22: an `overlay` changed in place had no place).
  const overlay = (recipe as { overlay?: { image?: unknown } }).overlay;
  if (typeof overlay?.image === "string" && !overlay.image.startsWith("/")) {
    const image = `${path.slice(0, path.lastIndexOf("/"))}/${overlay.image}`;
    recipe = { ...recipe, overlay: { ...overlay, image } };
  }
  return { file: value, recipe: recipe as RecipeInput, placeOf };
}

/**
 * Tells the mistakes of the recipes read from files in those files, at the line and column of each value
 * (`→ at speed, line 4, column 12 (fast.json)`), each file's in its order; a recipe as a whole is its file's root.
 * The other mistakes (the command line's, a built-in recipe's) stay where they were, told first (nt13: mistakes in
 * two recipe files were told at `variants[0].recipes[1]…` of the command line, in no file).
 *
 * @param error The mistakes of the workflow the recipes are in, at `variants[0].recipes[i]…`.
 * @param recipes Each recipe given, in order: its file's, or null for a built-in recipe.
 * @returns One error a file (a {@linkcode WorkflowErrors} when there are several), or the error as it was.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { WorkflowError } from "../core/errors.ts";
 * import { inRecipeFile } from "./recipe_file.ts";
 * const error = new WorkflowError("the command line", [{ path: "variants[0].recipes[0].speed", message: "No" }]);
 * const placed = inRecipeFile(error, [{ file: "r.json", placeOf: () => ({ line: 4, column: 12 }) }]);
 * assert.equal(placed.message, "Invalid recipe r.json: speed, line 4, column 12: No");
 * ```
 */
export function inRecipeFile(
  error: WorkflowError,
  recipes: readonly (Pick<RecipeFile, "file" | "placeOf"> | null)[],
): WorkflowError | WorkflowErrors {
  const others: WorkflowIssue[] = [];
  // By file, in the order first given: a file given twice is told once (rv24).
  const byFile = new Map<string, { recipe: Pick<RecipeFile, "file" | "placeOf">; issues: WorkflowIssue[] }>();
  for (const issue of error.issues) {
    const [prefix, index] = /^variants\[0\]\.recipes\[(\d+)\](?=$|\.)/.exec(issue.path) ?? [];
    const recipe = index === undefined ? null : recipes[Number(index)] ?? null;
    if (recipe === null) {
      others.push(issue);
      continue;
    }
    const entry = byFile.get(recipe.file) ?? { recipe, issues: [] };
    const inFile = { ...issue, path: issue.path.slice(prefix!.length + 1) };
    const told = entry.issues.some((each) =>
      each.path === inFile.path && each.message === inFile.message && each.field === inFile.field
    );
    if (!told) entry.issues.push(inFile);
    byFile.set(recipe.file, entry);
  }
  if (byFile.size === 0) return error;
  const first = (file: string) => recipes.findIndex((recipe) => recipe?.file === file);
  const errors = [
    ...others.length === 0 ? [] : [new WorkflowError(error.file, others, { cause: error })],
    ...[...byFile.values()].sort((a, b) => first(a.recipe.file) - first(b.recipe.file)).map((
      { recipe, issues },
    ) =>
      new WorkflowError(recipe.file, issues, { cause: error, holds: "recipe" })
        .withIssues((issue) => placedIssue(issue, recipe.placeOf))
    ),
  ];
  return errors.length === 1 ? errors[0]! : new WorkflowErrors(errors);
}
