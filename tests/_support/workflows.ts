/**
 * Workflow builders for tests: resolved workflows without files, and workflow files in temporary folders.
 * @module
 */
import { resolveWorkflow } from "../../lib/workflow/resolve_workflow.ts";
import type { ResolvedWorkflow, WorkflowInput } from "../../lib/workflow/workflow_schema.ts";
import { tempDir } from "./temp_dir.ts";

/** The absolute URL of the project's mod.ts, for generated workflow files. */
export const MOD_URL: string = new URL("../../mod.ts", import.meta.url).href;

/**
 * A workflow of `videos` × `sections` with given formats, resolved in memory.
 */
export function gridWorkflow(
  options: {
    videos: number;
    sections: number;
    formats: string[];
    limits?: WorkflowInput["limits"];
    /** Give each section an image from an HTTP provider: steps that the section and API layers count. */
    images?: boolean;
  },
): Promise<ResolvedWorkflow> {
  const input: WorkflowInput = {
    formats: options.formats,
    limits: options.limits,
    ...options.images === true
      ? { providers: { images: { api: "openai" as const, baseUrl: "http://127.0.0.1:9", retries: 0 } } }
      : {},
    videos: Array.from({ length: options.videos }, (_, v) => ({
      id: `v${v + 1}`,
      sections: Array.from({ length: options.sections }, (_, s) => ({
        title: `Video ${v + 1} section ${s + 1}`,
        narration: `This is section ${s + 1} of video ${v + 1}.`,
        ...options.images === true
          ? { image: { provider: "images", prompt: `Picture ${v + 1}.${s + 1}`, size: "64x64" } }
          : {},
      })),
    })),
  };
  return resolveWorkflow(input, { file: "grid.ts", moduleUrl: "file:///grid.ts" });
}

/**
 * A one-section lesson whose narration is spoken by an OpenAI-compatible provider (`api`, at a port nothing
 * answers), in memory: its speech step calls a provider, the others are local.
 */
export function apiSpeechWorkflow(): Promise<ResolvedWorkflow> {
  return resolveWorkflow({
    formats: ["1:1"],
    providers: { api: { api: "openai", baseUrl: "http://127.0.0.1:9/v1" } },
    videos: [{ id: "v", sections: [{ title: "T", narration: "Hello.", voice: { provider: "api" } }] }],
  }, { file: "api.ts", moduleUrl: "file:///api.ts", env: () => undefined });
}

/**
 * The steps a render runs again when the second narration of a video `v` of two sections in one format, 160x90,
 * changes: its speech and cues, the narration, the subtitles and the video (the rest is stored).
 */
export const SECOND_NARRATION_CHANGED: readonly string[] = [
  "v/narration",
  "v/s2/cues",
  "v/s2/speech",
  "v/subtitles.srt",
  "v/subtitles.vtt",
  "v/video@160x90",
];

/**
 * Writes a workflow file into a new temporary folder and returns its path.
 *
 * @param body TypeScript that follows `import { step, workflow } from "<mod.ts>";`.
 */
export async function writeWorkflowFile(body: string, name = "workflow.ts"): Promise<string> {
  const dir = await tempDir("reel-test-");
  const path = `${dir}/${name}`;
  await Deno.writeTextFile(path, `import { step, workflow } from "${MOD_URL}";\nvoid step;\n${body}\n`);
  return path;
}
