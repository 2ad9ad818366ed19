/**
 * Validates a workflow's default export and resolves it: the one place where defaults are applied.
 * @module
 */
import { createHash } from "node:crypto";
import type { z } from "zod";
import { WorkflowError, type WorkflowIssue } from "../core/errors.ts";
import { sniffImage } from "../media/sniff_media.ts";
import { HOSTED_BASE_URL } from "../providers/http/openai_client.ts";
import { imageSizesOf, SPEECH_MAX_CHARACTERS } from "../providers/http/openai_models.ts";
import { FLITE_VOICES } from "../providers/local/speech/flite_engine.ts";
import { parseFormat } from "./formats.ts";
import { readModuleGraph } from "./module_graph.ts";
import {
  type ResolvedCustomStep,
  type ResolvedLimits,
  type ResolvedProvider,
  type ResolvedSection,
  type ResolvedVoice,
  type ResolvedWorkflow,
  type WorkflowInput,
  workflowSchema,
} from "./schema.ts";

/** Defaults applied where a workflow leaves a field out. */
export const DEFAULTS = {
  formats: ["16:9", "9:16", "1:1"],
  fps: 1,
  theme: { background: "#1e3a5f", foreground: "#ffffff", accent: "#ffcc4d" },
  voice: { provider: "flite", engine: "flite", voice: "rms", rate: 165, model: null } satisfies ResolvedVoice,
  voiceNames: { espeak: "en-us", flite: "rms", openai: "alloy" },
  speechModel: "tts-1",
  image: { model: "gpt-image-1", size: "1024x1024", as: "background" },
  provider: {
    baseUrl: HOSTED_BASE_URL,
    baseUrlEnv: "OPENAI_BASE_URL",
    keyEnv: "OPENAI_API_KEY",
    concurrency: 4,
    per: { second: 1000, minute: 60_000 },
    timeout: 60_000,
    retries: 5,
    maxRetryAfter: 120_000,
    backoff: { base: 500, cap: 20_000 },
  },
  customStep: { timeout: 600_000 },
  limits: { videos: 2, sections: 4, api: 2, global: 8 },
} as const;

/** Where a resolved workflow comes from, and how it reads its background images. */
export interface ResolveOptions {
  /** The file as the user named it, for messages. */
  file: string;
  /** The file as a URL; relative image paths resolve against it. */
  moduleUrl: string;
  /** Number of cores, for the worker and CPU pools. @default navigator.hardwareConcurrency */
  cores?: number;
  /** Reads environment variables (a provider's base URL). @default Deno.env.get */
  env?: (name: string) => string | undefined;
}

/**
 * Validates `value` against the workflow schema and resolves every field.
 *
 * @param value The workflow file's default export.
 * @param options The file it came from.
 * @returns The resolved workflow.
 * @throws {WorkflowError} With every issue and its path when the value is not a valid workflow.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { resolveWorkflow } from "./resolve_workflow.ts";
 * const resolved = await resolveWorkflow(
 *   { videos: [{ id: "intro", sections: [{ title: "Hi", narration: "Hello" }] }] },
 *   { file: "inline.ts", moduleUrl: "file:///tmp/inline.ts" },
 * );
 * assert.ok(resolved.formats.length === 3);
 * ```
 */
export async function resolveWorkflow(value: unknown, options: ResolveOptions): Promise<ResolvedWorkflow> {
  const { file, moduleUrl, cores = navigator.hardwareConcurrency, env = Deno.env.get } = options;
  const parsed = workflowSchema.safeParse(value, { reportInput: true });
  if (!parsed.success) throw new WorkflowError(file, toWorkflowIssues(parsed.error.issues));
  const input: WorkflowInput = parsed.data;
  const issues: WorkflowIssue[] = [];

  const providers = Object.entries(input.providers ?? {}).map(([name, provider]) =>
    resolveProvider(name, provider, env)
  );
  const providerNames = new Set(providers.map((provider) => provider.name));
  // What the hosted API refuses is checked for providers that call it; compatible servers set their own rules.
  const hosted = new Set(
    providers.filter((provider) => provider.baseUrl.startsWith(HOSTED_BASE_URL)).map((provider) =>
      provider.name
    ),
  );
  for (const name of providerNames) {
    if (name === "flite" || name === "espeak") {
      issues.push({
        path: `providers.${name}`,
        message: `"${name}" is a local voice; give the provider another name`,
      });
    }
  }
  const defaultVoice = resolveVoice(DEFAULTS.voice, input.voice, {
    providers: providerNames,
    path: "voice",
    issues,
  });
  const seenVideos = new Set<string>();
  const videos = [];
  for (const [v, video] of input.videos.entries()) {
    if (seenVideos.has(video.id)) {
      issues.push({ path: `videos[${v}].id`, message: `Duplicate video id "${video.id}"` });
    }
    seenVideos.add(video.id);
    const seenSections = new Set<string>();
    const sections = [];
    for (const [s, section] of video.sections.entries()) {
      const id = section.id ?? `s${s + 1}`;
      const path = `videos[${v}].sections[${s}]`;
      if (seenSections.has(id)) issues.push({ path: `${path}.id`, message: `Duplicate section id "${id}"` });
      seenSections.add(id);
      const background = typeof section.background === "string"
        ? { color: section.background }
        : section.background ?? {};
      const image = background.image === undefined
        ? null
        : await readImage(background.image, moduleUrl, `${path}.background.image`, issues);
      sections.push({
        id,
        path,
        title: section.title,
        bullets: section.bullets ?? [],
        narration: section.narration,
        background: {
          color: background.color ?? input.theme?.background ?? DEFAULTS.theme.background,
          image,
        },
        image: section.image === undefined ? null : {
          provider: section.image.provider,
          prompt: section.image.prompt,
          model: section.image.model ?? DEFAULTS.image.model,
          size: section.image.size ?? DEFAULTS.image.size,
          as: section.image.as ?? DEFAULTS.image.as,
        },
        voice: resolveVoice(defaultVoice, section.voice, {
          providers: providerNames,
          path: `${path}.voice`,
          issues,
        }),
      });
      if (section.image !== undefined && !providerNames.has(section.image.provider)) {
        issues.push({
          path: `${path}.image.provider`,
          message: `Unknown image provider "${section.image.provider}": add it to providers`,
        });
      }
      issues.push(...apiRefusals(sections.at(-1)!, { path, hosted }));
    }
    videos.push({ id: video.id, title: video.title ?? sections[0]?.title ?? video.id, sections });
  }

  const formats = (input.formats ?? DEFAULTS.formats).map((format) =>
    typeof format === "string" ? parseFormat(format)! : format
  );
  const seenFormats = new Set<string>();
  for (const [f, format] of formats.entries()) {
    if (seenFormats.has(format.name)) {
      issues.push({ path: `formats[${f}]`, message: `Duplicate format ${format.name}` });
    }
    seenFormats.add(format.name);
    if (format.width > 7680 || format.height > 7680) {
      issues.push({
        path: `formats[${f}]`,
        message: `At most 7680 pixels a side (got ${format.width}x${format.height})`,
      });
    }
    if (format.width % 2 !== 0 || format.height % 2 !== 0) {
      issues.push({
        path: `formats[${f}]`,
        message: `Width and height must be even (got ${format.width}x${format.height})`,
      });
    }
  }

  const steps = await resolveCustomSteps(input.steps ?? [], { moduleUrl, issues });
  const stepIds = new Set<string>();
  for (const [i, step] of steps.entries()) {
    if (stepIds.has(step.id)) {
      issues.push({ path: `steps[${i}].id`, message: `Duplicate step id "${step.id}"` });
    }
    stepIds.add(step.id);
  }
  if (issues.length > 0) throw new WorkflowError(file, issues);

  const limits: ResolvedLimits = {
    videos: input.limits?.videos ?? DEFAULTS.limits.videos,
    sections: input.limits?.sections ?? DEFAULTS.limits.sections,
    api: input.limits?.api ?? DEFAULTS.limits.api,
    global: input.limits?.global ?? DEFAULTS.limits.global,
    custom: input.limits?.custom ?? cores,
    workers: input.limits?.workers ?? cores,
    cpu: input.limits?.cpu ?? cores,
  };
  return {
    name: input.name ?? nameFromUrl(moduleUrl),
    moduleUrl,
    file,
    videos,
    formats,
    fps: input.fps ?? DEFAULTS.fps,
    timeout: input.timeout ?? null,
    theme: { ...DEFAULTS.theme, ...input.theme },
    limits,
    providers,
    steps,
  };
}

/** What the hosted API would refuse for this section: an image size its model lacks, a narration too long. */
function apiRefusals(
  section: ResolvedSection,
  { path, hosted }: { path: string; hosted: ReadonlySet<string> },
): WorkflowIssue[] {
  const issues: WorkflowIssue[] = [];
  const image = section.image !== null && hosted.has(section.image.provider) ? section.image : null;
  const sizes = image === null ? null : imageSizesOf(image.model);
  if (image !== null && sizes !== null && !sizes.includes(image.size)) {
    issues.push({
      path: `${path}.image.size`,
      message: `${image.model} makes images of ${sizes.join(", ")}, not ${image.size}`,
    });
  }
  const length = section.narration.length;
  if (hosted.has(section.voice.provider) && length > SPEECH_MAX_CHARACTERS) {
    issues.push({
      path: `${path}.narration`,
      message:
        `The narration has ${length} characters; the speech API takes at most ${SPEECH_MAX_CHARACTERS} ` +
        `a call: split it into several sections, or use a local voice (flite, espeak)`,
    });
  }
  return issues;
}

function resolveVoice(
  base: ResolvedVoice,
  voice: { provider?: string; voice?: string; rate?: number; model?: string } | undefined,
  context: { providers: ReadonlySet<string>; path: string; issues: WorkflowIssue[] },
): ResolvedVoice {
  if (voice === undefined) return base;
  const provider = voice.provider ?? base.provider;
  const engine = provider === "flite" || provider === "espeak" ? provider : "openai";
  const name = voice.voice ?? (provider === base.provider ? base.voice : DEFAULTS.voiceNames[engine]);
  if (engine === "flite" && !FLITE_VOICES.includes(name)) {
    context.issues.push({
      path: `${context.path}.voice`,
      message: `Unknown flite voice "${name}": expected one of ${FLITE_VOICES.join(", ")}`,
    });
  }
  if (engine === "openai" && !context.providers.has(provider)) {
    context.issues.push({
      path: `${context.path}.provider`,
      message: `Unknown voice provider "${provider}": expected flite, espeak or a name in providers`,
    });
  }
  const sameEngine = provider === base.provider;
  return {
    provider,
    engine,
    voice: name,
    rate: voice.rate ?? base.rate,
    model: engine === "openai"
      ? voice.model ?? (sameEngine ? base.model : null) ?? DEFAULTS.speechModel
      : null,
  };
}

function resolveProvider(
  name: string,
  input: NonNullable<WorkflowInput["providers"]>[string],
  env: (name: string) => string | undefined,
): ResolvedProvider {
  const defaults = DEFAULTS.provider;
  const baseUrlEnv = input.baseUrlEnv ?? defaults.baseUrlEnv;
  const fromEnv = env(baseUrlEnv) || null;
  return {
    name,
    api: input.api,
    baseUrl: input.baseUrl ?? fromEnv ?? defaults.baseUrl,
    baseUrlFrom: input.baseUrl !== undefined ? "workflow" : fromEnv !== null ? baseUrlEnv : "default",
    baseUrlEnv,
    keyEnv: input.keyEnv ?? defaults.keyEnv,
    version: input.version === undefined ? null : String(input.version),
    concurrency: input.concurrency ?? defaults.concurrency,
    rate: {
      requests: input.rate?.requests ?? null,
      tokens: input.rate?.tokens ?? null,
      per: defaults.per[input.rate?.per ?? "minute"],
      burst: input.rate?.burst ?? 1,
    },
    timeout: input.timeout ?? defaults.timeout,
    retries: input.retries ?? defaults.retries,
    maxRetryAfter: input.maxRetryAfter ?? defaults.maxRetryAfter,
    backoff: {
      base: input.backoff?.base ?? defaults.backoff.base,
      cap: input.backoff?.cap ?? defaults.backoff.cap,
    },
    prices: {
      image: input.prices?.image ?? null,
      perMillionCharacters: input.prices?.perMillionCharacters ?? null,
      perMinute: input.prices?.perMinute ?? null,
    },
  };
}

async function resolveCustomSteps(
  steps: NonNullable<WorkflowInput["steps"]>,
  context: { moduleUrl: string; issues: WorkflowIssue[] },
): Promise<ResolvedCustomStep[]> {
  const extraFiles: string[] = [];
  for (const [i, step] of steps.entries()) {
    for (const [j, relative] of (step.files ?? []).entries()) {
      const path = decodeURIComponent(new URL(relative, context.moduleUrl).pathname);
      try {
        if ((await Deno.stat(path)).isFile) extraFiles.push(path);
        else context.issues.push({ path: `steps[${i}].files[${j}]`, message: `Not a file: ${path}` });
      } catch (error) {
        if (!(error instanceof Deno.errors.NotFound)) throw error;
        context.issues.push({ path: `steps[${i}].files[${j}]`, message: `File not found: ${path}` });
      }
    }
  }
  // Steps without a version are keyed by every local module the workflow imports, the files they declare, and
  // every step function's source (which also covers a workflow given in memory, with no file to read).
  const unversioned = steps.some((step) => step.version === undefined);
  const graph = unversioned && context.issues.length === 0
    ? await readModuleGraph(context.moduleUrl, { extraFiles })
    : null;
  const digest = graph === null ? "" : createHash("sha256").update(graph.digest)
    .update(steps.map((step) => step.run.toString()).join("\n")).digest("hex");
  return steps.map((step) => ({
    id: step.id,
    inputs: step.inputs ?? [],
    params: step.params ?? {},
    cpu: step.cpu ?? true,
    retries: step.retries ?? 0,
    child: step.child ?? false,
    timeout: step.timeout ?? DEFAULTS.customStep.timeout,
    code: step.version === undefined
      ? { digest }
      : { version: String(step.version), source: step.run.toString() },
  }));
}

async function readImage(
  relative: string,
  moduleUrl: string,
  path: string,
  issues: WorkflowIssue[],
): Promise<{ path: string; sha256: string } | null> {
  const url = new URL(relative, moduleUrl);
  try {
    const bytes = await Deno.readFile(url);
    if (sniffImage(bytes) === null) {
      issues.push({ path, message: `Not a PNG or JPEG image: ${decodeURIComponent(url.pathname)}` });
      return null;
    }
    const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
    return {
      path: decodeURIComponent(url.pathname),
      sha256: Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join(""),
    };
  } catch (error) {
    const problem = unreadableImage(error);
    if (problem === null) throw error;
    issues.push({ path, message: `${problem}: ${decodeURIComponent(url.pathname)}` });
    return null;
  }
}

/** What keeps a background image from being read, in the user's words; null for a failure that is not theirs. */
function unreadableImage(error: unknown): string | null {
  if (error instanceof Deno.errors.NotFound || error instanceof Deno.errors.NotADirectory) {
    return "Image not found";
  }
  if (error instanceof Deno.errors.IsADirectory) return "Expected an image file, got a folder";
  if (error instanceof Deno.errors.PermissionDenied) return "Cannot read the image (permission denied)";
  return null;
}

function nameFromUrl(moduleUrl: string): string {
  const base = moduleUrl.split("/").pop() ?? "workflow";
  return base.replace(/\.[cm]?[jt]sx?$/, "").toLowerCase().replace(/[^a-z0-9_-]+/g, "-") || "workflow";
}

/**
 * Turns zod's issues into {@linkcode WorkflowIssue}s: a union that failed inside the one branch matching the
 * value's type reports that branch's issues, and a field whose type is wrong reports nothing more.
 *
 * @param issues The issues of a failed parse made with `reportInput: true`, so that wrong types can be named.
 * @returns One issue per problem, in zod's order.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { z } from "zod";
 * import { toWorkflowIssues } from "./resolve_workflow.ts";
 * const result = z.object({ title: z.string() }).safeParse({ title: 5 }, { reportInput: true });
 * assert.deepEqual(toWorkflowIssues(result.error?.issues ?? []), [
 *   { path: "title", message: "Expected a string, got a number" },
 * ]);
 * ```
 */
export function toWorkflowIssues(issues: readonly z.core.$ZodIssue[]): WorkflowIssue[] {
  const result: WorkflowIssue[] = [];
  const wrongType = new Set<string>();
  for (const issue of issues.flatMap(unwrapUnion)) {
    const path = formatPath(issue.path);
    if (wrongType.has(path)) continue;
    if (issue.code === "invalid_type") wrongType.add(path);
    result.push(toWorkflowIssue(issue));
  }
  return result;
}

/** A union whose value has the type of exactly one branch fails with that branch's issues, at their full path. */
function unwrapUnion(issue: z.core.$ZodIssue): z.core.$ZodIssue[] {
  if (issue.code !== "invalid_union") return [issue];
  const near = issue.errors.filter((branch) =>
    !branch.some((inner) => inner.code === "invalid_type" && inner.path.length === 0)
  );
  const [branch, ...others] = near;
  if (branch === undefined || others.length > 0) return [issue];
  return branch.flatMap((inner) => unwrapUnion({ ...inner, path: [...issue.path, ...inner.path] }));
}

/**
 * Turns one zod issue into a {@linkcode WorkflowIssue} with a readable path and a message that names a missing
 * field, a wrong type (`Expected a string, got a number`) or, for a misspelled key, a suggestion.
 *
 * @param issue A zod issue; a wrong type is named only when it carries the input (`reportInput: true`).
 * @returns The issue with its path as `videos[0].sections[2].narration`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { toWorkflowIssue } from "./resolve_workflow.ts";
 * const issue = toWorkflowIssue({ code: "custom", path: ["videos", 0, "id"], message: "Bad", input: 1 });
 * assert.ok(issue.path === "videos[0].id");
 * const wrong = toWorkflowIssue({ code: "invalid_type", expected: "array", path: ["videos"], message: "", input: {} });
 * assert.equal(wrong.message, "Expected an array, got an object");
 * ```
 */
export function toWorkflowIssue(issue: z.core.$ZodIssue): WorkflowIssue {
  const path = formatPath(issue.path);
  if (issue.code === "unrecognized_keys") {
    const known = knownKeysAt(issue.path);
    const parts = issue.keys.map((key) => {
      const guess = closest(key, known);
      return guess === null ? `"${key}"` : `"${key}" (did you mean "${guess}"?)`;
    });
    return { path, message: `Unknown field ${parts.join(", ")}` };
  }
  const expected = expectedTypes(issue);
  if (expected !== null) {
    if (issue.input === undefined) return { path, message: "Required field is missing" };
    return { path, message: `Expected ${joinAlternatives(expected)}, got ${describeValue(issue.input)}` };
  }
  return { path, message: issue.message };
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
  return type === "object" ? "an object" : `${/^[aeiou]/.test(type) ? "an" : "a"} ${type}`;
}

function formatPath(path: readonly PropertyKey[]): string {
  let text = "";
  for (const part of path) {
    if (typeof part === "number") text += `[${part}]`;
    else text += text === "" ? String(part) : `.${String(part)}`;
  }
  return text;
}

const KNOWN_KEYS: Record<string, string[]> = {
  workflow: ["name", "videos", "formats", "fps", "theme", "voice", "limits", "providers", "steps"],
  video: ["id", "title", "sections"],
  section: ["id", "title", "bullets", "narration", "background", "image", "voice"],
  voice: ["provider", "voice", "rate", "model"],
  image: ["provider", "prompt", "model", "size", "as"],
  providers: [
    "api",
    "baseUrl",
    "baseUrlEnv",
    "keyEnv",
    "concurrency",
    "rate",
    "timeout",
    "retries",
    "backoff",
    "prices",
  ],
  rate: ["requests", "tokens", "per", "burst"],
  prices: ["image", "perMillionCharacters", "perMinute"],
  background: ["color", "image"],
  limits: ["videos", "sections", "api", "global", "workers", "cpu"],
  theme: ["background", "foreground", "accent"],
  step: ["id", "inputs", "params", "cpu", "retries", "child", "run"],
  format: ["name", "width", "height"],
  backoff: ["base", "cap"],
};

function knownKeysAt(path: readonly PropertyKey[]): string[] {
  const names = path.filter((part): part is string => typeof part === "string");
  const last = names.at(-1);
  if (last === undefined) return KNOWN_KEYS.workflow!;
  const byField: Record<string, string> = {
    videos: "video",
    sections: "section",
    voice: "voice",
    background: "background",
    limits: "limits",
    theme: "theme",
    steps: "step",
    formats: "format",
    image: "image",
    rate: "rate",
    prices: "prices",
    backoff: "backoff",
  };
  if (names.at(-2) === "providers") return KNOWN_KEYS.providers!;
  return KNOWN_KEYS[byField[last] ?? ""] ?? [];
}

function closest(word: string, candidates: readonly string[]): string | null {
  let best: string | null = null;
  let bestDistance = Math.max(2, Math.floor(word.length / 3)) + 1;
  for (const candidate of candidates) {
    const distance = editDistance(word.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
    }
    previous = current;
  }
  return previous[b.length]!;
}
