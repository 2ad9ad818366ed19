/**
 * The zod schema of a workflow file and the resolved types the engine works on: every field present, absence an
 * explicit `null`, no defaults applied past this point.
 * @module
 */
import { z } from "zod";
import { type Format, parseFormat } from "./formats.ts";

const COLOR = /^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$/;
const SLUG = /^[a-z0-9][a-z0-9_-]*$/;

const color = z.string().regex(COLOR, "Expected a colour like #1e3a5f");
const nonBlank = (what: string) => z.string().trim().min(1, `${what} must not be empty`);

/** The speech engines reel ships with. */
export const LOCAL_VOICES = ["espeak", "flite"] as const;

const voiceSchema = z.strictObject({
  provider: z.enum(LOCAL_VOICES).optional(),
  voice: nonBlank("Voice").optional(),
  rate: z.number().int().min(80, "Rate must be at least 80 words per minute").max(450).optional(),
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
  workers: positive.optional(),
  cpu: positive.optional(),
});

const customStepSchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9][a-z0-9_/.@-]*$/, "Expected an id like prepare or notes/merge"),
  inputs: z.array(z.string().min(1)).optional(),
  params: z.record(z.string(), z.json()).optional(),
  cpu: z.boolean().optional(),
  retries: z.number().int().min(0).max(10).optional(),
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
  theme: themeSchema.optional(),
  voice: voiceSchema.optional(),
  limits: limitsSchema.optional(),
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

/** JSON values: what steps pass to each other. */
export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

/** What a step hands to the steps that depend on it. */
export interface StepOutput {
  /** The artifact file, or null for a step that only returns a value. */
  path: string | null;
  /** The step's value (durations, sizes, a custom step's return value). */
  value: Json;
  /** Outputs of the child steps it added at run time, in the order it added them. */
  children: StepOutput[];
}

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
  /** Speech engine. */
  provider: (typeof LOCAL_VOICES)[number];
  /** Engine voice name. */
  voice: string;
  /** Words per minute. */
  rate: number;
}

/** A section with every field resolved. */
export interface ResolvedSection {
  id: string;
  title: string;
  bullets: string[];
  narration: string;
  background: { color: string; image: { path: string; sha256: string } | null };
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
  /** The function's source text, part of the step's key. */
  source: string;
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
  theme: { background: string; foreground: string; accent: string };
  limits: ResolvedLimits;
  steps: ResolvedCustomStep[];
}
