/**
 * The zod schema of a workflow file and the resolved types the engine works on: every field present, absence an
 * explicit `null`, no defaults applied past this point.
 * @module
 */
import { z } from "zod";
import type { Json, StepOutput } from "../core/json.ts";
import { type Format, parseFormat } from "./formats.ts";

const COLOR = /^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$/;
const SLUG = /^[a-z0-9][a-z0-9_-]*$/;

const color = z.string().regex(COLOR, "Expected a colour like #1e3a5f");
const nonBlank = (what: string) => z.string().trim().min(1, `${what} must not be empty`);

/** The speech engines reel ships with. */
export const LOCAL_VOICES = ["espeak", "flite"] as const;

const voiceSchema = z.strictObject({
  provider: z.string().regex(SLUG, 'Expected "flite", "espeak" or the name of a provider in `providers`')
    .optional(),
  voice: nonBlank("Voice").optional(),
  rate: z.number().int().min(80, "Rate must be at least 80 words per minute").max(450).optional(),
  model: nonBlank("Model").optional(),
});

const imageSchema = z.strictObject({
  provider: z.string().regex(SLUG, "Expected the name of a provider in `providers`"),
  prompt: nonBlank("Prompt"),
  model: nonBlank("Model").optional(),
  size: z.string().regex(/^\d{2,4}x\d{2,4}$/, 'Expected a size like "1536x1024"').optional(),
  as: z.enum(["background", "slide"]).optional(),
});

const millis = z.number().int().min(1).max(3_600_000);

const providerSchema = z.strictObject({
  api: z.literal("openai", 'The only provider API is "openai" (the OpenAI-compatible wire format)'),
  baseUrl: z.url("Expected a URL like https://api.openai.com").optional(),
  baseUrlEnv: z.string().regex(/^[A-Z_][A-Z0-9_]*$/, "Expected an environment variable name").optional(),
  keyEnv: z.string().regex(/^[A-Z_][A-Z0-9_]*$/, "Expected an environment variable name").optional(),
  version: z.union([nonBlank("Version"), z.number()]).optional(),
  concurrency: z.number().int().min(1).max(1024).optional(),
  rate: z.strictObject({
    requests: z.number().int().min(1).optional(),
    tokens: z.number().int().min(1).optional(),
    per: z.enum(["second", "minute"]).optional(),
    burst: z.number().int().min(1).optional(),
  }).optional(),
  timeout: millis.optional(),
  retries: z.number().int().min(0).max(20).optional(),
  maxRetryAfter: millis.optional(),
  backoff: z.strictObject({ base: millis.optional(), cap: millis.optional() }).optional(),
  prices: z.strictObject({
    image: z.number().min(0).optional(),
    perMillionCharacters: z.number().min(0).optional(),
    perMinute: z.number().min(0).optional(),
  }).optional(),
});

const backgroundSchema = z.union([
  color,
  z.strictObject({ color: color.optional(), image: nonBlank("Image path").optional() }),
]);

const sectionSchema = z.strictObject({
  id: z.string().regex(SLUG, "Expected a lowercase id like intro or part-2").optional(),
  title: nonBlank("Title"),
  bullets: z.array(nonBlank("Bullet")).max(8, "At most 8 bullets fit on a slide").optional(),
  narration: nonBlank("Narration"),
  background: backgroundSchema.optional(),
  image: imageSchema.optional(),
  voice: voiceSchema.optional(),
});

const videoSchema = z.strictObject({
  id: z.string().regex(SLUG, "Expected a lowercase id like intro or part-2"),
  title: nonBlank("Title").optional(),
  sections: z.array(sectionSchema).min(1, "A video needs at least one section"),
});

const formatSchema = z.union([
  z.string().refine((text) => parseFormat(text) !== null, {
    message: 'Expected "16:9", "9:16", "1:1" or a size like "1280x720"',
  }),
  z.strictObject({
    name: z.string().regex(SLUG, "Expected a file-name-safe name"),
    width: z.number().int().min(16).max(7680),
    height: z.number().int().min(16).max(7680),
  }),
]);

const positive = z.number().int().min(1).max(4096);

const limitsSchema = z.strictObject({
  videos: positive.optional(),
  sections: positive.optional(),
  api: positive.optional(),
  global: positive.optional(),
  custom: positive.optional(),
  workers: positive.optional(),
  cpu: positive.optional(),
});

const customStepSchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9][a-z0-9_/.@-]*$/, "Expected an id like prepare or notes/merge"),
  inputs: z.array(z.string().min(1)).optional(),
  params: z.record(z.string(), z.json()).optional(),
  cpu: z.boolean().optional(),
  retries: z.number().int().min(0).max(10).optional(),
  timeout: millis.optional(),
  version: z.union([nonBlank("Version"), z.number()]).optional(),
  files: z.array(nonBlank("File path")).optional(),
  child: z.boolean().optional(),
  run: z.custom<CustomStepFunction>((value) => typeof value === "function", "Expected a function"),
});

const themeSchema = z.strictObject({
  background: color.optional(),
  foreground: color.optional(),
  accent: color.optional(),
});

/** The schema of a workflow file's default export, before resolution. */
export const workflowSchema = z.strictObject({
  name: z.string().regex(SLUG, "Expected a lowercase name like lesson").optional(),
  videos: z.array(videoSchema).min(1, "A workflow needs at least one video"),
  formats: z.array(formatSchema).min(1, "Give at least one format").optional(),
  fps: z.number().min(1).max(60).optional(),
  timeout: millis.optional(),
  theme: themeSchema.optional(),
  voice: voiceSchema.optional(),
  limits: limitsSchema.optional(),
  providers: z.record(z.string().regex(SLUG, "Expected a provider name like openai-images"), providerSchema)
    .optional(),
  steps: z.array(customStepSchema).optional(),
});

/** A workflow as a workflow file writes it (optional fields may be left out). */
export type WorkflowInput = z.input<typeof workflowSchema>;
/** A video as a workflow file writes it. */
export type VideoInput = z.input<typeof videoSchema>;
/** A section as a workflow file writes it. */
export type SectionInput = z.input<typeof sectionSchema>;
/** A custom step as a workflow file writes it. */
export type CustomStepInput = z.input<typeof customStepSchema>;

/** What a custom step's function receives besides its inputs. */
export interface CustomStepContext {
  /** The step's params (a child's params when it runs as a child). */
  params: Record<string, Json>;
  /** Aborted when the run is cancelled. */
  signal: AbortSignal;
  /** A path the step may write its artifact to; it becomes `path` of its output when the file exists. */
  outputPath: string;
  /** Adds a child step at run time: another custom step of this workflow, run with these params. */
  spawn(stepId: string, params: Record<string, Json>): void;
}

/** The function of a custom step; it runs inside a Web Worker. */
export type CustomStepFunction = (
  inputs: Record<string, StepOutput>,
  context: CustomStepContext,
) => Json | Promise<Json>;

/** A voice with every field resolved. */
export interface ResolvedVoice {
  /** `flite`, `espeak`, or the name of an HTTP provider. */
  provider: string;
  /** What speaks: a local engine or the OpenAI-compatible speech endpoint. */
  engine: (typeof LOCAL_VOICES)[number] | "openai";
  /** Voice name (engine voice, or the API's voice such as `alloy`). */
  voice: string;
  /** Words per minute. */
  rate: number;
  /** The API model (e.g. `tts-1`), or null for local engines. */
  model: string | null;
}

/** A generated slide image with every field resolved. */
export interface ResolvedImage {
  /** The provider's name. */
  provider: string;
  prompt: string;
  model: string;
  size: string;
  /** `background`: title and bullets drawn over it; `slide`: the image is the whole slide. */
  as: "background" | "slide";
}

/** An HTTP provider with every field resolved (the key itself is never stored: only its variable's name). */
export interface ResolvedProvider {
  name: string;
  api: "openai";
  /** The base URL: the workflow's, else `baseUrlEnv`'s value when loaded, else the hosted API. Part of keys. */
  baseUrl: string;
  /** Where the base URL came from, for messages: `workflow`, the variable's name, or `default`. */
  baseUrlFrom: string;
  baseUrlEnv: string;
  keyEnv: string;
  /** The provider's declared version (bump it to make every call again), or null. Part of keys. */
  version: string | null;
  concurrency: number;
  rate: { requests: number | null; tokens: number | null; per: number; burst: number };
  timeout: number;
  retries: number;
  /** The longest wait a server's Retry-After may ask for, in ms. */
  maxRetryAfter: number;
  backoff: { base: number; cap: number };
  prices: { image: number | null; perMillionCharacters: number | null; perMinute: number | null };
}

/** A section with every field resolved. */
export interface ResolvedSection {
  id: string;
  /** Where it is in the workflow file, for messages: `videos[0].sections[2]`. */
  path: string;
  title: string;
  bullets: string[];
  narration: string;
  background: { color: string; image: { path: string; sha256: string } | null };
  /** A slide image generated by a provider, or null. */
  image: ResolvedImage | null;
  voice: ResolvedVoice;
}

/** A video with every field resolved. */
export interface ResolvedVideo {
  id: string;
  title: string;
  sections: ResolvedSection[];
}

/** Resolved layered limits. */
export interface ResolvedLimits {
  /** Videos in flight. */
  videos: number;
  /** Sections in flight per video. */
  sections: number;
  /** Provider calls in flight per section. */
  api: number;
  /** Provider calls in flight in the whole run. */
  global: number;
  /** Custom steps in flight in the whole run. */
  custom: number;
  /** Web Workers in the pool. */
  workers: number;
  /** CPU-heavy steps at once. */
  cpu: number;
}

/** A custom step with every field resolved. */
export interface ResolvedCustomStep {
  id: string;
  inputs: string[];
  params: Record<string, Json>;
  cpu: boolean;
  retries: number;
  /** True for a step that runs only as a child spawned by another step. */
  child: boolean;
  /** Longest time an attempt may take, in ms. */
  timeout: number;
  /**
   * What keys the step's code: its declared version and its function's source when it has a version, else the
   * digest of the workflow's local module graph and the files it declares.
   */
  code: { version: string; source: string } | { digest: string };
}

/** A workflow the engine can plan: every field present. */
export interface ResolvedWorkflow {
  name: string;
  /** The workflow file as a URL; workers import it to find custom steps. */
  moduleUrl: string;
  /** The file as the user named it, for messages. */
  file: string;
  videos: ResolvedVideo[];
  formats: Format[];
  fps: number;
  /** Base timeout of every step, in ms, or null for each kind's default. */
  timeout: number | null;
  theme: { background: string; foreground: string; accent: string };
  limits: ResolvedLimits;
  providers: ResolvedProvider[];
  steps: ResolvedCustomStep[];
}
