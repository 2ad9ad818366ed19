import assert from "node:assert/strict";
import { WorkflowError } from "../../../../lib/core/errors.ts";
import { sha256Hex } from "../../../../lib/core/sha256.ts";
import { resolveWorkflow } from "../../../../lib/workflow/resolve_workflow.ts";
import type { WorkflowInput } from "../../../../lib/workflow/workflow_schema.ts";
import { tempDir } from "../../../_support/temp_dir.ts";

const dir = await tempDir("reel-transcribe-resolve-");
await Deno.writeTextFile(`${dir}/talk one.mp3`, "bytes");

function resolve(input: WorkflowInput) {
  return resolveWorkflow(input, { file: "t.ts", moduleUrl: `file://${dir}/t.ts`, env: () => undefined });
}

async function issues(input: WorkflowInput): Promise<string[]> {
  const error = await resolve(input).then(() => null, (error) => error);
  assert.ok(error instanceof WorkflowError, String(error));
  return error.issues.map((issue) => `${issue.path}: ${issue.message}`);
}

Deno.test("a transcription resolves its recording beside the workflow, hashed, with every default", async () => {
  const workflow = await resolve({ transcribe: [{ id: "talk", input: "talk one.mp3" }] });
  assert.deepEqual(workflow.jobs.transcribe?.files, [{
    id: "talk",
    path: "transcribe[0]",
    input: `${dir}/talk one.mp3`,
    sha256: sha256Hex("bytes"),
    engine: { kind: "pocketsphinx" },
    language: "en",
    chunk: 90,
    overlap: 2,
    context: 2,
    silence: { noise: null, duration: 0.3 },
  }]);
  const hosted = await resolve({
    providers: { asr: { api: "openai" } },
    transcribe: [{ id: "talk", input: "talk one.mp3", engine: "asr", language: "de" }],
  });
  const file = hosted.jobs.transcribe?.files[0];
  assert.deepEqual(file?.engine, { kind: "openai", provider: "asr", model: "whisper-1", prompt: null });
  assert.equal(file?.chunk, 600);
});

Deno.test("a transcription's mistakes are named with their path", async () => {
  assert.deepEqual(
    await issues({
      transcribe: [
        { id: "a", input: "missing.wav" },
        { id: "a", input: "talk one.mp3", engine: "whisper" },
        { id: "b", input: "talk one.mp3", language: "fr", chunk: 10, overlap: 6 },
      ],
    }),
    [
      `transcribe[0].input: Recording not found: ${dir}/missing.wav`,
      'transcribe[1].id: Duplicate id "a"',
      'transcribe[1].engine: Unknown engine "whisper": expected pocketsphinx or the name of a provider in providers; ' +
      'a server\'s engine is a provider: providers: { "whisper": { api: "openai", baseUrl: "http://…/v1" } }',
      'transcribe[2].language: pocketsphinx knows English only (language: "en")',
      "transcribe[2].overlap: The overlap (6 s) must be under half a chunk (5 s)",
    ],
  );
  assert.deepEqual(await issues({ transcribe: [{ id: "a", input: "talk one.mp3", chunk: 2 }] }), [
    "transcribe[0].chunk: A chunk must be at least 5 seconds, got 2",
  ]);
  // nt5: "openai" is an engine of the command line's (`--engine openai`); a workflow names its provider.
  assert.deepEqual(await issues({ transcribe: [{ id: "a", input: "talk one.mp3", engine: "openai" }] }), [
    'transcribe[0].engine: Unknown engine "openai": expected pocketsphinx or the name of a provider in providers; ' +
    'a server\'s engine is a provider: providers: { "openai": { api: "openai" } }',
  ]);
  // rv8: the hint named a provider "espeak", which reel refuses.
  assert.deepEqual(await issues({ transcribe: [{ id: "a", input: "talk one.mp3", engine: "espeak" }] }), [
    'transcribe[0].engine: Unknown engine "espeak": expected pocketsphinx or the name of a provider in providers ' +
    '("espeak" is a voice: it speaks, it does not transcribe)',
  ]);
  assert.deepEqual(
    await issues({ transcribe: [{ id: "a", input: "talk one.mp3", engine: "pocketsfinx" }] }),
    [
      'transcribe[0].engine: Unknown engine "pocketsfinx": expected pocketsphinx or the name of a provider in providers (did you mean "pocketsphinx"?)',
    ],
  );
  assert.deepEqual(await issues({ transcribe: [{ id: "a", input: "talk one.mp3", engin: "x" } as never] }), [
    'transcribe[0]: Unknown field "engin" (did you mean "engine"?)',
  ]);
  // A pipe's digest would wait for a writer for ever: refused at once, like a folder.
  await Deno.mkdir(`${dir}/folder`);
  await new Deno.Command("mkfifo", { args: [`${dir}/pipe.wav`] }).output();
  assert.deepEqual(
    await issues({ transcribe: [{ id: "a", input: "folder" }, { id: "b", input: "pipe.wav" }] }),
    [
      `transcribe[0].input: Expected a recording, got a folder: ${dir}/folder`,
      `transcribe[1].input: Expected a recording, got a device, a pipe or a socket: ${dir}/pipe.wav`,
    ],
  );
});
