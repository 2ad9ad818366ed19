/**
 * The planner: expands resolved workflows into a DAG of steps, each with its content key.
 * @module
 */
import { WorkflowError } from "../core/errors.ts";
import { slideProviderId, speechProviderId } from "../providers/local/local_provider_ids.ts";
import type { ResolvedLimits, ResolvedProvider, ResolvedWorkflow } from "../workflow/schema.ts";
import type { Json } from "../core/json.ts";
import type { PlanStep } from "./plan_step.ts";
import { stepKey } from "./step_key.ts";
import type { Toolchain } from "./toolchain.ts";
import { CycleError, topologicalOrder } from "./topological_order.ts";

/** A planned run: steps in topological order and the limits that bound it. */
export interface Plan {
  /** Steps in topological order; ties follow the workflow. */
  steps: PlanStep[];
  /** The limits of the run. */
  limits: ResolvedLimits;
  /** The workflows the plan came from. */
  workflows: ResolvedWorkflow[];
  /** Custom steps that run only as children spawned at run time (`child: true`), by id. */
  templates: PlanStep[];
  /** The local engines' versions the keys hold. */
  toolchain: Toolchain;
}

type Draft = Omit<PlanStep, "key">;

/**
 * Expands workflows into one plan. Per section: narration once, a slide and a clip per format; per video: a concat
 * per format and an SRT and a VTT; then the custom steps.
 *
 * @param workflows Resolved workflows; the first one's limits apply unless `limits` is given.
 * @param options The local engines' versions (part of keys), and limits that override the workflow's.
 * @returns The plan.
 * @throws {WorkflowError} When ids clash across workflows, a custom step names an unknown input, or steps form a
 * cycle (the message names it).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { planWorkflows } from "./plan_workflow.ts";
 * import { resolveWorkflow } from "../workflow/resolve_workflow.ts";
 * const workflow = await resolveWorkflow(
 *   { formats: ["16:9"], videos: [{ id: "a", sections: [{ title: "T", narration: "N" }] }] },
 *   { file: "a.ts", moduleUrl: "file:///a.ts" },
 * );
 * const toolchain = { ffmpeg: "ffmpeg 5.1", espeak: null, slides: "resvg 2.6.2" };
 * assert.ok(planWorkflows([workflow], { toolchain }).steps.length === 6);
 * ```
 */
export function planWorkflows(
  workflows: readonly ResolvedWorkflow[],
  options: { toolchain: Toolchain; limits?: Partial<ResolvedLimits> },
): Plan {
  const drafts: Draft[] = [];
  const templates: Draft[] = [];
  const seenVideos = new Map<string, string>();
  for (const workflow of workflows) {
    for (const video of workflow.videos) {
      const other = seenVideos.get(video.id);
      if (other !== undefined) {
        throw new WorkflowError(workflow.file, [{
          path: "videos",
          message: `Video id "${video.id}" is also used in ${other}`,
        }]);
      }
      seenVideos.set(video.id, workflow.file);
    }
    for (const draft of expandWorkflow(workflow, options.toolchain)) {
      if (draft.kind === "custom" && draft.runtime.child === true) templates.push(draft);
      else drafts.push(draft);
    }
  }
  const first = workflows[0];
  if (first === undefined) throw new RangeError("planWorkflows() needs at least one workflow");
  return {
    steps: withKeys(orderSteps(drafts, workflows)),
    limits: { ...first.limits, ...definedOnly(options.limits ?? {}) },
    toolchain: options.toolchain,
    workflows: [...workflows],
    templates: templates.map((template) => ({ ...template, key: "" })),
  };
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** Run-time details of an HTTP provider call: where to send it and how long to wait; never the key itself. */
function httpLocals(provider: ResolvedProvider): Record<string, Json> {
  return {
    provider: provider.name,
    baseUrl: provider.baseUrl,
    keyEnv: provider.keyEnv,
    timeout: provider.timeout,
  };
}

/** What identifies an HTTP provider in a key: the wire format, where it answers, and its declared version. */
function httpEngine(provider: ResolvedProvider): { api: string; baseUrl: string; version: string | null } {
  return { api: provider.api, baseUrl: provider.baseUrl.replace(/\/+$/, ""), version: provider.version };
}

const NO_BACKOFF = { base: 0, cap: 0 };

/** Default timeouts per kind, in ms; a workflow's `timeout` replaces `ms` (custom steps have their own). */
const TIMEOUTS = {
  speech: { ms: 60_000, perCharacter: 20 },
  http: { decode: 60_000 },
  slide: { ms: 60_000, perMediaSecond: 0 },
  clip: { ms: 60_000, perMediaSecond: 3_000 },
  concat: { ms: 60_000, perMediaSecond: 1_000 },
  subtitles: { ms: 30_000, perMediaSecond: 0 },
} as const;

function expandWorkflow(workflow: ResolvedWorkflow, toolchain: Toolchain): Draft[] {
  const drafts: Draft[] = [];
  const providers = new Map(workflow.providers.map((provider) => [provider.name, provider]));
  const base = {
    workflow: workflow.file,
    runtime: {},
    retries: 0,
    tokenCost: 0,
    backoff: NO_BACKOFF,
    blocking: false,
  };
  const timeout = (kind: "slide" | "clip" | "concat" | "subtitles") => ({
    ms: workflow.timeout ?? TIMEOUTS[kind].ms,
    perMediaSecond: TIMEOUTS[kind].perMediaSecond,
  });
  for (const video of workflow.videos) {
    const speechIds: string[] = [];
    const clipIds = new Map<string, string[]>(workflow.formats.map((format) => [format.name, []]));
    for (const section of video.sections) {
      const scope = { video: video.id, section: `${video.id}/${section.id}` };
      const prefix = `${video.id}/${section.id}`;
      const speechId = `${prefix}/speech`;
      speechIds.push(speechId);
      const { voice } = section;
      const speechParams = {
        text: section.narration,
        voice: { engine: voice.engine, voice: voice.voice, rate: voice.rate, model: voice.model },
      };
      const speechProvider = providers.get(voice.provider);
      if (voice.engine === "openai" && speechProvider !== undefined) {
        drafts.push({
          ...base,
          id: speechId,
          kind: "speech",
          params: speechParams,
          runtime: httpLocals(speechProvider),
          deps: [],
          scope,
          provider: speechProvider.name,
          engine: { ...httpEngine(speechProvider), ffmpeg: toolchain.ffmpeg },
          tokenCost: section.narration.length,
          retries: speechProvider.retries,
          backoff: speechProvider.backoff,
          cpu: false,
          timeout: { ms: speechProvider.timeout + TIMEOUTS.http.decode, perMediaSecond: 0 },
          output: null,
          extension: "m4a",
        });
      } else {
        const local = voice.engine === "espeak" ? "espeak" : "flite";
        const id = speechProviderId(local);
        drafts.push({
          ...base,
          id: speechId,
          kind: "speech",
          params: speechParams,
          deps: [],
          scope,
          provider: id,
          engine: {
            id,
            ffmpeg: toolchain.ffmpeg,
            ...(local === "espeak" ? { espeak: toolchain.espeak } : {}),
          },
          cpu: true,
          timeout: {
            ms: workflow.timeout ??
              TIMEOUTS.speech.ms + TIMEOUTS.speech.perCharacter * section.narration.length,
            perMediaSecond: 0,
          },
          output: null,
          extension: "m4a",
        });
      }
      const image = section.image;
      const imageProvider = image === null ? undefined : providers.get(image.provider);
      const imageId = `${prefix}/image`;
      if (image !== null && imageProvider !== undefined) {
        drafts.push({
          ...base,
          id: imageId,
          kind: "image",
          params: { model: image.model, prompt: image.prompt, size: image.size },
          runtime: httpLocals(imageProvider),
          deps: [],
          scope,
          provider: imageProvider.name,
          engine: httpEngine(imageProvider),
          retries: imageProvider.retries,
          backoff: imageProvider.backoff,
          cpu: false,
          timeout: { ms: imageProvider.timeout + TIMEOUTS.http.decode, perMediaSecond: 0 },
          output: null,
          extension: "png",
        });
      }
      for (const format of workflow.formats) {
        const slideId = `${prefix}/slide@${format.name}`;
        const backgroundImage = section.background.image;
        drafts.push({
          ...base,
          id: slideId,
          kind: "slide",
          params: {
            width: format.width,
            height: format.height,
            title: image?.as === "slide" ? "" : section.title,
            bullets: image?.as === "slide" ? [] : section.bullets,
            background: section.background.color,
            image: backgroundImage === null ? null : backgroundImage.sha256,
            foreground: workflow.theme.foreground,
            accent: workflow.theme.accent,
          },
          runtime: { imagePath: backgroundImage === null ? null : backgroundImage.path },
          deps: image === null ? [] : [imageId],
          scope,
          provider: slideProviderId(),
          engine: { id: slideProviderId(), renderer: toolchain.slides },
          cpu: true,
          blocking: true,
          timeout: timeout("slide"),
          output: null,
          extension: "png",
        });
        const clipId = `${prefix}/clip@${format.name}`;
        clipIds.get(format.name)!.push(clipId);
        drafts.push({
          ...base,
          id: clipId,
          kind: "clip",
          params: { width: format.width, height: format.height, fps: workflow.fps },
          deps: [slideId, speechId],
          scope,
          provider: null,
          engine: { ffmpeg: toolchain.ffmpeg },
          cpu: true,
          timeout: timeout("clip"),
          output: null,
          extension: "mp4",
        });
      }
    }
    const videoScope = { video: video.id, section: null };
    for (const format of workflow.formats) {
      drafts.push({
        ...base,
        id: `${video.id}/concat@${format.name}`,
        kind: "concat",
        params: { format: format.name, width: format.width, height: format.height },
        deps: clipIds.get(format.name)!,
        scope: videoScope,
        provider: null,
        engine: { ffmpeg: toolchain.ffmpeg },
        cpu: true,
        timeout: timeout("concat"),
        output: `${video.id}.${format.name}.mp4`,
        extension: "mp4",
      });
    }
    for (const format of ["srt", "vtt"] as const) {
      drafts.push({
        ...base,
        id: `${video.id}/subtitles.${format}`,
        kind: "subtitles",
        params: { format, cues: video.sections.map((section) => section.narration) },
        deps: speechIds,
        scope: videoScope,
        provider: null,
        engine: null,
        cpu: false,
        timeout: timeout("subtitles"),
        output: `${video.id}.${format}`,
        extension: format,
      });
    }
  }
  for (const [i, step] of workflow.steps.entries()) {
    drafts.push({
      ...base,
      id: step.id,
      kind: "custom",
      params: { step: step.id, params: step.params },
      runtime: { module: workflow.moduleUrl, inputsPath: `steps[${i}].inputs`, child: step.child },
      deps: step.inputs,
      scope: { video: null, section: null },
      provider: null,
      engine: step.code,
      cpu: step.cpu,
      blocking: true,
      retries: step.retries,
      backoff: { base: 200, cap: 5000 },
      timeout: { ms: step.timeout, perMediaSecond: 0 },
      output: null,
      extension: "bin",
    });
  }
  return drafts;
}

function orderSteps(drafts: Draft[], workflows: readonly ResolvedWorkflow[]): Draft[] {
  const ids = new Map<string, Draft>();
  for (const draft of drafts) {
    const other = ids.get(draft.id);
    if (other !== undefined) {
      throw new WorkflowError(draft.workflow, [{
        path: "steps",
        message: `Step id "${draft.id}" is used twice`,
      }]);
    }
    ids.set(draft.id, draft);
  }
  for (const draft of drafts) {
    for (const [j, dep] of draft.deps.entries()) {
      if (ids.has(dep)) continue;
      const path = `${String(draft.runtime.inputsPath ?? draft.id)}[${j}]`;
      const known = drafts.slice(0, 3).map((d) => d.id).join(", ");
      throw new WorkflowError(draft.workflow, [{
        path,
        message: `Unknown step "${dep}" (step ids look like ${known})`,
      }]);
    }
  }
  try {
    return topologicalOrder(drafts);
  } catch (error) {
    if (!(error instanceof CycleError)) throw error;
    const file = ids.get(error.cycle[0]!)?.workflow ?? workflows[0]!.file;
    throw new WorkflowError(file, [{ path: "steps", message: error.message }], { cause: error });
  }
}

function withKeys(ordered: Draft[]): PlanStep[] {
  const keys = new Map<string, string>();
  return ordered.map((draft) => {
    const key = stepKey(draft, draft.deps.map((dep) => keys.get(dep)!));
    keys.set(draft.id, key);
    return { ...draft, key };
  });
}
