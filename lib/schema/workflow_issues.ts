/**
 * Zod's issues as a user reads them: a path like `videos[0].sections[2].narration`, the type expected and the one
 * given, a suggestion for a misspelled field.
 * @module
 */
import { z } from "zod";
import { closestName, didYouMean } from "../core/closest_name.ts";
import { listed } from "../core/plural.ts";
import type { WorkflowIssue } from "../core/errors.ts";
import { rangeMessage } from "./_range_message.ts";
import { expectedOneOf } from "./fields.ts";

/**
 * Turns zod's issues into {@linkcode WorkflowIssue}s: a union that failed inside the one branch matching the
 * value's type reports that branch's issues, and a field whose type is wrong reports nothing more.
 *
 * @param issues The issues of a failed parse made with `reportInput: true`, so that wrong types can be named.
 * @param schema The schema that was parsed: an unknown field is matched against the known ones at its place.
 * @param options The value that was parsed (`input`): of an object's forms, a range is said as the form it is
 * written as says it (a scroll montage's `duration`, not a grid's).
 * @returns One issue per problem, in zod's order.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { z } from "zod";
 * import { toWorkflowIssues } from "./workflow_issues.ts";
 * const result = z.object({ title: z.string() }).safeParse({ title: 5 }, { reportInput: true });
 * assert.deepEqual(toWorkflowIssues(result.error?.issues ?? []), [
 *   { path: "title", message: "Expected a string, got a number" },
 * ]);
 * ```
 */
export function toWorkflowIssues(
  issues: readonly z.core.$ZodIssue[],
  schema: z.ZodType | null = null,
  options: IssueOptions = {},
): WorkflowIssue[] {
  const result: WorkflowIssue[] = [];
  const wrongType = new Set<string>();
  // A misspelled required field is one mistake: "narraton" unknown suggests "narration", whose absence is then
  // not reported again.
  const suggested = new Set<string>();
  // So is a field given in the wrong object (`image: { file }` meant `picture: { file }`): that object's required
  // fields are not said missing too.
  const misplacedIn = new Set<string>();
  for (const issue of issues.flatMap((issue) => unwrapUnion(issue, schema))) {
    const path = formatPath(issue.path);
    if (wrongType.has(path)) continue;
    if (issue.code === "invalid_type") wrongType.add(path);
    if (issue.code === "unrecognized_keys" && schema !== null) {
      const known = formKeys(issue) ?? knownKeysAt(schema, issue.path);
      for (const key of issue.keys) {
        const guess = closestName(key, known);
        if (guess !== null) suggested.add(formatPath([...issue.path, guess]));
      }
    }
    if (issue.code === "custom" && issue.params?.[MISPLACED] === true) {
      misplacedIn.add(formatPath(issue.path.slice(0, -1)));
    }
    if (issue.code === "unrecognized_keys") {
      // One issue a field, each placed at its own (nt13).
      for (const key of issue.keys) {
        result.push({ ...toWorkflowIssue({ ...issue, keys: [key] }, schema, options), field: key });
      }
      continue;
    }
    result.push(toWorkflowIssue(issue, schema, options));
  }
  return result.filter((issue) =>
    !(issue.message === MISSING &&
      (suggested.has(issue.path) ||
        misplacedIn.has(issue.path.slice(0, Math.max(0, issue.path.lastIndexOf("."))))))
  );
}

/** Options of {@linkcode toWorkflowIssues} and {@linkcode toWorkflowIssue}. */
export interface IssueOptions {
  /** The value that was parsed, which tells an object's form by its tags (`layout: "scroll"`). */
  input?: unknown;
}

/** The `params` mark of a field that belongs in another object (see the lesson's `misplaced`). */
export const MISPLACED = "misplaced";

/**
 * What each misplaced field says of where it goes, by its schema (see the lesson's `misplaced`): read too where a
 * string stands for the object that refuses a `file` (nt21: `image: "pic.png"` said only "Expected an object").
 */
export const misplacedMessages: WeakMap<z.ZodType, string> = new WeakMap();

const MISSING = "Required field is missing";

/**
 * A union whose value has the type of exactly one branch fails with that branch's issues, at their full path; an
 * unknown field of an object's form carries the form's own fields (`formKeys`) for its suggestion.
 */
function unwrapUnion(issue: z.core.$ZodIssue, schema: z.ZodType | null): z.core.$ZodIssue[] {
  if (issue.code !== "invalid_union") return [issue];
  const failsAtRoot = (codes: readonly string[]) =>
    issue.errors.filter((branch) =>
      !branch.some((inner) => codes.includes(inner.code) && inner.path.length === 0)
    );
  // A branch that fails on the value itself (another type, or not its one literal: `false` where an object was
  // given) is not the one meant; when that leaves none, the branches of the value's type are.
  const inside = failsAtRoot(["invalid_type", "invalid_value"]);
  const near = inside.length === 1 ? inside : failsAtRoot(["invalid_type"]);
  // Of objects' forms, the one that knows the most of the fields given, then misses the fewest of its own, is the
  // one meant (`{ text, position: "middle" }` is a text overlay with a bad position, not an image overlay missing
  // its image; so is `{ text, positon }`, its position misspelled, and `{ image, color }` an image overlay given a
  // text overlay's field): before, "Invalid input".
  const rank = (branch: readonly z.core.$ZodIssue[]) =>
    unknownKeys(branch).length * 1000 + missingKeys(branch).length;
  const best = Math.min(...near.map(rank));
  const knowing = near.filter((branch) => rank(branch) === best);
  const [branch, ...others] = knowing.length === 1 ? knowing : near;
  if (branch === undefined) return [issue];
  if (others.length > 0) return formsMissing(issue, near) ?? [issue];
  // Its own fields, for a suggestion: "colour" on an image overlay is not a misspelled "color", a text overlay's.
  const forms = schema === null ? [] : schemasAt(schema, issue.path);
  const form = forms.length === issue.errors.length ? forms[issue.errors.indexOf(branch)] : undefined;
  const keys = form instanceof z.ZodObject ? Object.keys(form.shape) : null;
  return branch.flatMap((inner) =>
    unwrapUnion({
      ...inner,
      path: [...issue.path, ...inner.path],
      ...keys !== null && inner.code === "unrecognized_keys" && inner.path.length === 0
        ? { [FORM_KEYS]: keys }
        : {},
    } as z.core.$ZodIssue, schema)
  );
}

/** Where an unknown field's issue carries the fields of the object's form it was told by (see unwrapUnion). */
const FORM_KEYS = "reelFormKeys";

/** The fields of the form an unknown field's object was told to be, or null when it is not a union's. */
function formKeys(issue: z.core.$ZodIssue): string[] | null {
  return (issue as unknown as Record<string, string[] | undefined>)[FORM_KEYS] ?? null;
}

/** A form's required fields the value lacks, at the object itself. */
function missingKeys(branch: readonly z.core.$ZodIssue[]): string[] {
  return branch.flatMap((inner) =>
    inner.code === "invalid_type" && inner.input === undefined && inner.path.length === 1 &&
      typeof inner.path[0] === "string"
      ? [inner.path[0]]
      : []
  );
}

/** The fields a union's branch did not know, at the object itself. */
function unknownKeys(branch: readonly z.core.$ZodIssue[]): string[] {
  return branch.flatMap((inner) =>
    inner.code === "unrecognized_keys" && inner.path.length === 0 ? inner.keys : []
  );
}

/**
 * Objects' forms none of which the value is nearer to, each missing a field of its own (`overlay: {}`, or
 * `{ txt: "hi" }`): the fields that tell them apart are said (`Give "text" or "image"`), and the unknown fields all
 * the forms share. Null when a form misses no field.
 */
function formsMissing(
  issue: z.core.$ZodIssue,
  branches: readonly (readonly z.core.$ZodIssue[])[],
): z.core.$ZodIssue[] | null {
  const missing = branches.map((branch) => missingKeys(branch)[0]);
  if (missing.every((key) => key === undefined)) {
    // Each form has its fields, and one of another's (`{ text, image }`): the fields that cannot go together.
    const apart = [...new Set(branches.flatMap(unknownKeys))].map((key) => `"${key}"`);
    if (apart.length < 2) return null;
    const message = apart.length === 2
      ? `Give ${listed(apart, "or")}, not both`
      : `Give only one of ${listed(apart, "or")}`;
    return [{ code: "custom", path: issue.path, message, input: issue.input }];
  }
  if (missing.some((key) => key === undefined)) return null;
  const keys = [...new Set(missing as string[])].map((key) => `"${key}"`);
  const unknown = unknownKeys(branches[0]!).filter((key) =>
    branches.every((b) => unknownKeys(b).includes(key))
  );
  return [
    { code: "custom", path: issue.path, message: `Give ${listed(keys, "or")}`, input: issue.input },
    ...unknown.length === 0
      ? []
      : [{ code: "unrecognized_keys" as const, keys: unknown, path: issue.path, message: "" }],
  ];
}

/**
 * Turns one zod issue into a {@linkcode WorkflowIssue} with a readable path and a message that names a missing
 * field, a wrong type (`Expected a string, got a number`) or, for a misspelled key, a suggestion.
 *
 * @param issue A zod issue; a wrong type is named only when it carries the input (`reportInput: true`).
 * @param schema The schema that was parsed.
 * @param options The value that was parsed.
 * @returns The issue with its path as `videos[0].sections[2].narration`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { toWorkflowIssue } from "./workflow_issues.ts";
 * const issue = toWorkflowIssue({ code: "custom", path: ["videos", 0, "id"], message: "Bad", input: 1 });
 * assert.ok(issue.path === "videos[0].id");
 * const wrong = toWorkflowIssue({ code: "invalid_type", expected: "array", path: ["videos"], message: "", input: {} });
 * assert.equal(wrong.message, "Expected an array, got an object");
 * ```
 */
export function toWorkflowIssue(
  issue: z.core.$ZodIssue,
  schema: z.ZodType | null = null,
  options: IssueOptions = {},
): WorkflowIssue {
  const path = formatPath(issue.path);
  if (issue.code === "unrecognized_keys") {
    const known = schema === null ? [] : knownKeysAt(schema, issue.path);
    const parts = issue.keys.map((key) => {
      // A field of another form of this object (a scroll montage's `speed` on a grid): said so, not "did you
      // mean" the same name.
      if (known.includes(key)) return `"${key}" (${formsWith(schema!, { path: issue.path, key })})`;
      const guess = closestName(key, formKeys(issue) ?? known);
      if (guess !== null) return `"${key}" (did you mean "${guess}"?)`;
      // nt5: a workflow's `timeout` written in its variants job; nt6: a video's `sections` in the workflow.
      const field = { path: issue.path, key, input: options.input };
      const owner = schema === null ? null : ownerAbove(schema, field) ?? ownerBelow(schema, field);
      return owner === null ? `"${key}"` : `"${key}" (a field of ${owner})`;
    });
    return { path, message: `Unknown field ${parts.join(", ")}` };
  }
  // A record's key the key's schema refuses: its own words (zod says "Invalid key in record").
  const key = issue.code === "invalid_key" ? issue.issues[0] : undefined;
  if (key !== undefined) return { path, message: key.message };
  if (issue.code === "invalid_value") {
    const guess = guessed(issue.input, issue.values);
    if (guess !== "") return { path, message: `${issue.message}${guess}` };
  }
  if (issue.code === "invalid_union" && issue.errors.length === 0 && schema !== null) {
    // A discriminated union's tag that is none of its values (`layout: "grd"`): zod says only "Invalid input".
    const values = literalsAt(schema, issue.path);
    // Its input is the object; the tag is its field at the path's end.
    const field = issue.path.at(-1);
    const tag = typeof issue.input === "object" && issue.input !== null && field !== undefined
      ? (issue.input as Record<PropertyKey, unknown>)[field]
      : undefined;
    // Said as `oneOf` says a value (nt: zod's "Invalid option: expected one of", and no guess).
    if (values.length > 0) return { path, message: `${expectedOneOf(values)}${guessed(tag, values)}` };
  }
  if ((issue.code === "too_big" || issue.code === "too_small") && schema !== null) {
    const range = rangeMessage(issue, schemasAt(schema, issue.path, options.input));
    if (range !== null) return { path, message: range };
  }
  // A schema's own words for a number's range, with the number given, as reel's own range messages have it (nt6:
  // "Expected 0 to 40 dB" of a duck of -3).
  const sized = issue.code === "too_big" || issue.code === "too_small";
  if (sized && typeof issue.input === "number" && !/\bgot\b/.test(issue.message)) {
    return { path, message: `${issue.message}, got ${issue.input}` };
  }
  const expected = expectedTypes(issue);
  if (expected !== null) {
    // A key given the value undefined in a record (`params: { u: undefined }`) is not a missing field.
    const inRecord = schema !== null && issue.path.length > 0 &&
      schemasAt(schema, issue.path.slice(0, -1)).some((parent) => parent instanceof z.ZodRecord);
    if (issue.input === undefined && !inRecord) return { path, message: MISSING };
    const message = `Expected ${joinAlternatives(expected)}, got ${describeValue(issue.input)}`;
    // nt6: `picture: "images/a.png"` for `picture: { file: "images/a.png" }`.
    // rv10: not where `file` is another object's field (an image's, which a provider draws), nor of "".
    const file = typeof issue.input === "string" && issue.input.trim() !== "" && schema !== null &&
      schemasAt(schema, issue.path).some((form) =>
        form instanceof z.ZodObject && Object.hasOwn(form.shape, "file") &&
        unwrap(form.shape.file as z.ZodType).some((field) => field instanceof z.ZodString)
      );
    // nt10: `bullets: "One, two"` for a list of texts.
    const list = typeof issue.input === "string" && schema !== null &&
      schemasAt(schema, issue.path).some((form) =>
        form instanceof z.ZodArray &&
        unwrap(form.element as z.ZodType).some((item) => item instanceof z.ZodString)
      );
    // nt21: `image: "pic.png"` on an object whose `file` belongs elsewhere says where.
    const elsewhere = typeof issue.input !== "string" || schema === null
      ? undefined
      : schemasAt(schema, issue.path)
        .flatMap((form) =>
          form instanceof z.ZodObject && Object.hasOwn(form.shape, "file")
            ? unwrap(form.shape.file as z.ZodType).flatMap((field) => misplacedMessages.get(field) ?? [])
            : []
        )[0];
    if (elsewhere !== undefined) return { path, message: `${message}: ${elsewhere}` };
    if (list) {
      // Texts written apart by commas are likely the items meant; a guess, said as one (rv17).
      const input = issue.input as string;
      const parts = input.split(",").map((item) => item.trim()).filter((item) => item !== "");
      const items = parts.length >= 2 ? parts : [input];
      return {
        path,
        message: `${message}: write a list, such as [${
          items.map((item) => JSON.stringify(item)).join(", ")
        }]`,
      };
    }
    return { path, message: file ? `${message}: write { file: ${JSON.stringify(issue.input)} }` : message };
  }
  return { path, message: issue.message };
}

/** ` (did you mean "grid"?)` when `input` is a misspelling of one of `values`, else nothing. */
function guessed(input: unknown, values: readonly unknown[]): string {
  return typeof input === "string"
    ? didYouMean(input, values.filter((value) => typeof value === "string"))
    : "";
}

/** The types a type mismatch expected, or null when the issue is not a plain type mismatch. */
function expectedTypes(issue: z.core.$ZodIssue): string[] | null {
  if (issue.code === "invalid_type") return [TYPE_NAMES[issue.expected] ?? `a ${issue.expected}`];
  if (issue.code !== "invalid_union" || issue.errors.length === 0) return null;
  // A union fails as a type mismatch only when every branch failed on the type of the value itself.
  const names: string[] = [];
  for (const branch of issue.errors) {
    const [only, ...rest] = branch;
    if (only === undefined || rest.length > 0 || only.code !== "invalid_type" || only.path.length > 0) {
      return null;
    }
    const name = TYPE_NAMES[only.expected] ?? `a ${only.expected}`;
    if (!names.includes(name)) names.push(name);
  }
  return names;
}

const TYPE_NAMES: Record<string, string> = {
  string: "a string",
  number: "a number",
  int: "a whole number",
  boolean: "a boolean",
  array: "an array",
  object: "an object",
  record: "an object",
  function: "a function",
  null: "null",
};

function joinAlternatives(names: readonly string[]): string {
  return names.length < 2 ? names.join("") : `${names.slice(0, -1).join(", ")} or ${names.at(-1)}`;
}

/** Names a value's type as a user reads it: `a number`, `an array`, `null`; a number that is not one, as itself. */
function describeValue(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "number") return Number.isInteger(value) ? "a number" : String(value);
  const type = typeof value;
  if (type !== "object") {
    return type === "undefined" ? "undefined" : `${/^[aeiou]/.test(type) ? "an" : "a"} ${type}`;
  }
  // An instance of a class (a Date, a Map) is not the plain object a field takes: named by its class.
  const prototype = Object.getPrototypeOf(value);
  const name = prototype === null || prototype === Object.prototype ? null : prototype.constructor?.name;
  return typeof name === "string" && name !== ""
    ? `${/^[AEIOU]/.test(name) ? "an" : "a"} ${name}`
    : "an object";
}

function formatPath(path: readonly PropertyKey[]): string {
  let text = "";
  for (const part of path) {
    if (typeof part === "number") text += `[${part}]`;
    else text += text === "" ? String(part) : `.${String(part)}`;
  }
  return text;
}

/**
 * The field names the schema knows at a path: where an unknown field was found, what it may have meant. Read
 * from the schema itself, so it never drifts from it.
 *
 * @param schema The schema.
 * @param path The path of the object that held the unknown field.
 * @returns The names, or none where the path leads to no object.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { z } from "zod";
 * import { knownKeysAt } from "./workflow_issues.ts";
 * const schema = z.object({ videos: z.array(z.object({ id: z.string(), title: z.string().optional() })) });
 * assert.deepEqual(knownKeysAt(schema, ["videos", 0]), ["id", "title"]);
 * ```
 */
export function knownKeysAt(schema: z.ZodType, path: readonly PropertyKey[]): string[] {
  const objects = walk(schema, path);
  return [...new Set(objects.flatMap((object) => Object.keys(object.shape)))];
}

/**
 * The nearest object above `path` that has the field `key`, as a message names it: `the workflow itself`, or its
 * path (`videos[0]`); null when none has.
 */
function ownerAbove(
  schema: z.ZodType,
  field: { path: readonly PropertyKey[]; key: string; input: unknown },
): string | null {
  const { path, key, input } = field;
  for (let end = path.length - 1; end >= 0; end--) {
    // Of the forms it is written as (rv8: a grid's `rows` was said to be a scroll montage's field).
    const forms = schemasAt(schema, path.slice(0, end), input);
    if (!forms.some((form) => form instanceof z.ZodObject && Object.hasOwn(form.shape, key))) continue;
    return end === 0 ? "the workflow itself" : formatPath(path.slice(0, end));
  }
  return null;
}

/**
 * The object one field below `path` (a list's items counted as the list's) that has the field `key` for a value of
 * the kind given, as a message names it: `videos[i]` for a list of sections, not `limits` (whose `sections` is a
 * number); null when none has, or several have.
 */
function ownerBelow(
  schema: z.ZodType,
  field: { path: readonly PropertyKey[]; key: string; input: unknown },
): string | null {
  const { path, key, input } = field;
  const prefix = path.length === 0 ? "" : `${formatPath(path)}.`;
  const at = schemasAt(schema, path, input);
  const value = valueAt(input, [...path, key]);
  const fits = (object: z.ZodType) =>
    object instanceof z.ZodObject && Object.hasOwn(object.shape, key) &&
    unwrap(object.shape[key] as z.ZodType).some((form) => sameKind(form, value));
  const owners = new Set<string>();
  for (const form of at) {
    if (!(form instanceof z.ZodObject)) continue;
    for (const [name, child] of Object.entries(form.shape as Record<string, z.ZodType>)) {
      for (const inner of unwrap(child)) {
        const items = inner instanceof z.ZodArray;
        const objects = items ? unwrap(inner.element as z.ZodType) : [inner];
        if (objects.some(fits)) owners.add(`${prefix}${name}${items ? "[i]" : ""}`);
      }
    }
  }
  // One only: `id`, a field of videos, montages, transcriptions and steps alike, is no one's (rv10).
  if (owners.size === 1) return [...owners][0]!;
  return null;
}

/** The value at `path` in `input`; undefined where there is none. */
function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  return path.reduce<unknown>(
    (value, step) =>
      typeof value === "object" && value !== null ? (value as Record<PropertyKey, unknown>)[step] : undefined,
    input,
  );
}

/** Whether `value` is of the kind a schema takes (a list, an object, a text, a number, a yes or no); any for none. */
function sameKind(schema: z.ZodType, value: unknown): boolean {
  if (value === undefined) return true;
  if (Array.isArray(value)) return schema instanceof z.ZodArray || schema instanceof z.ZodTuple;
  if (typeof value === "object" && value !== null) {
    return schema instanceof z.ZodObject || schema instanceof z.ZodRecord;
  }
  // A text: a text's schema, a choice of texts, not another object's field (`misplaced`, a custom check: rv10).
  if (typeof value === "string") {
    return schema instanceof z.ZodString || schema instanceof z.ZodEnum || schema instanceof z.ZodLiteral;
  }
  if (typeof value === "number") return schema instanceof z.ZodNumber || schema instanceof z.ZodLiteral;
  if (typeof value === "boolean") return schema instanceof z.ZodBoolean || schema instanceof z.ZodLiteral;
  return true;
}

/**
 * Which forms of the object at `path` have the field `key`, by their tags (`a field of layout: "scroll" only`),
 * for an object written as one form with another's field.
 */
function formsWith(schema: z.ZodType, field: { path: readonly PropertyKey[]; key: string }): string {
  const { path, key } = field;
  const tags = walk(schema, path).filter((object) => key in object.shape).flatMap((object) =>
    Object.entries(object.shape as Record<string, z.ZodType>).flatMap(([name, field]) =>
      unwrap(field).flatMap((candidate) =>
        candidate instanceof z.ZodLiteral ? [`${name}: ${JSON.stringify([...candidate.values][0])}`] : []
      )
    )
  );
  return tags.length === 0
    ? "a field of another form of this object"
    : `a field of ${tags.join(" or ")} only`;
}

/** The literal values the field at `path` may take (a discriminated union's tags), none when it is not literals. */
function literalsAt(schema: z.ZodType, path: readonly PropertyKey[]): unknown[] {
  const field = path.at(-1);
  if (typeof field !== "string") return [];
  const values = walk(schema, path.slice(0, -1)).flatMap((object) => {
    const shape = object.shape as Record<string, z.ZodType>;
    const at = shape[field];
    if (at === undefined) return [];
    return unwrap(at).flatMap((candidate) =>
      candidate instanceof z.ZodLiteral
        ? [...candidate.values]
        : candidate instanceof z.ZodEnum
        ? candidate.options
        : []
    );
  });
  return [...new Set(values)];
}

function walk(schema: z.ZodType, path: readonly PropertyKey[]): z.ZodObject[] {
  return schemasAt(schema, path).filter((candidate) => candidate instanceof z.ZodObject) as z.ZodObject[];
}

/**
 * The schemas a value at `path` may match, wrappers opened; given the value at `schema`'s place, only the forms of
 * an object it is written as (see {@linkcode writtenAs}).
 */
function schemasAt(schema: z.ZodType, path: readonly PropertyKey[], value?: unknown): z.ZodType[] {
  const inner = writtenAs(unwrap(schema), value);
  if (path.length === 0) return inner;
  const [head, ...rest] = path;
  const next = valueAt(value, [head!]);
  return inner.flatMap((candidate) => {
    if (candidate instanceof z.ZodObject && typeof head === "string") {
      const field = (candidate.shape as Record<string, z.ZodType>)[head];
      return field === undefined ? [] : schemasAt(field, rest, next);
    }
    if (candidate instanceof z.ZodArray && typeof head === "number") {
      return schemasAt(candidate.element as z.ZodType, rest, next);
    }
    if (candidate instanceof z.ZodTuple && typeof head === "number") {
      const item = (candidate.def.items as z.ZodType[])[head];
      return item === undefined ? [] : schemasAt(item, rest, next);
    }
    if (candidate instanceof z.ZodRecord) return schemasAt(candidate.valueType as z.ZodType, rest, next);
    return [];
  });
}

/**
 * Of the forms a value may take, those an object `value` is written as: the forms of an object or a record (rv9:
 * not a boolean's, in `normalize: boolean | { loudness }`), whose tags (literal fields) it gives as they are, and of
 * those the ones that know the most of its fields (rv8: an image overlay's `size` was said with the text overlay's
 * range, there being no tag); all of them where none fits.
 */
function writtenAs(candidates: z.ZodType[], value: unknown): z.ZodType[] {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return candidates;
  const fields = value as Record<string, unknown>;
  const objects = candidates.filter((candidate) =>
    candidate instanceof z.ZodObject || candidate instanceof z.ZodRecord
  );
  const shapeOf = (candidate: z.ZodType) =>
    candidate instanceof z.ZodObject ? candidate.shape as Record<string, z.ZodType> : null;
  const tagged = objects.filter((candidate) =>
    Object.entries(shapeOf(candidate) ?? {}).every(([key, field]) =>
      !(field instanceof z.ZodLiteral) || !Object.hasOwn(fields, key) ||
      field.values.has(fields[key] as z.core.util.Literal)
    )
  );
  if (tagged.length === 0) return objects.length === 0 ? candidates : objects;
  const known = (candidate: z.ZodType) => {
    const shape = shapeOf(candidate);
    return Object.keys(fields).filter((key) => shape === null || Object.hasOwn(shape, key)).length;
  };
  const most = Math.max(...tagged.map(known));
  return tagged.filter((candidate) => known(candidate) === most);
}

/** The schemas a value at this place may match: optional, nullable and union wrappers opened. */
function unwrap(schema: z.ZodType): z.ZodType[] {
  if (schema instanceof z.ZodOptional || schema instanceof z.ZodNullable || schema instanceof z.ZodDefault) {
    return unwrap(schema.unwrap() as z.ZodType);
  }
  if (schema instanceof z.ZodUnion) return (schema.options as z.ZodType[]).flatMap(unwrap);
  if (schema instanceof z.ZodPipe) return unwrap(schema.in as z.ZodType);
  return [schema];
}
