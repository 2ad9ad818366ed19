/**
 * The fake server's transcriptions: an upload whose client gave up is heard no longer (its pocketsphinx killed).
 * The server runs as `deno task fake-api` with its own environment: a stand-in pocketsphinx named by
 * REEL_POCKETSPHINX, which this process may not set for the test files that run beside it.
 */
import assert from "node:assert/strict";
import { pcmWav } from "../../../lib/media/wav_pcm.ts";
import { makeTempFolder } from "../../_support/temp_dir.ts";

const root = new URL("../../..", import.meta.url).pathname;

/** How long the killed child may take to exit before the test fails (it never exits on its own). */
const EXIT_BOUND_MS = 20_000;

Deno.test("the fake server kills the pocketsphinx hearing an upload when its client gives up", async () => {
  await using folder = await makeTempFolder();
  // A pocketsphinx that never ends: it tells its pid through a FIFO and keeps the FIFO open until it exits.
  const fifo = `${folder.path}/child`;
  assert.equal((await new Deno.Command("mkfifo", { args: [fifo] }).output()).code, 0);
  const program = `${folder.path}/pocketsphinx_continuous`;
  await Deno.writeTextFile(program, `#!/bin/sh\nexec 3>"${fifo}"\necho $$ >&3\nexec sleep 600\n`);
  await Deno.chmod(program, 0o755);
  const server = new Deno.Command(Deno.execPath(), {
    args: ["task", "fake-api", "--port", "0"],
    cwd: root,
    env: { REEL_POCKETSPHINX: program },
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const output = server.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let pid: number | null = null;
  let bound: ReturnType<typeof setTimeout> | undefined;
  try {
    let said = "";
    while (!said.includes("\n")) {
      const next = await output.read();
      if (next.done) break;
      said += next.value;
    }
    const url = /on (http:\/\/\S+)/.exec(said)?.[1];
    assert.ok(url !== undefined, said);
    const reading = Deno.open(fifo, { read: true });
    const form = new FormData();
    form.set("file", new Blob([pcmWav(new Uint8Array(32_000), { sampleRate: 16_000 })]), "chunk.wav");
    form.set("model", "whisper-1");
    form.set("response_format", "verbose_json");
    const client = new AbortController();
    const call = fetch(`${url}/v1/audio/transcriptions`, {
      method: "POST",
      body: form,
      signal: client.signal,
    });
    using child = await reading;
    const lines = child.readable.pipeThrough(new TextDecoderStream()).getReader();
    const first = await lines.read();
    pid = Number(first.value?.trim());
    assert.ok(Number.isInteger(pid) && pid > 0, `pid ${first.value}`);
    // The client gives up (reel's call past its timeout), its answer's status and headers read or not.
    client.abort();
    const answer = await call.catch((error: unknown) => {
      assert.equal((error as Error).name, "AbortError");
      return null;
    });
    if (answer !== null) await assert.rejects(answer.arrayBuffer());
    // The FIFO reaches its end when the child exits (killed): before, it ran on for a client that had gone.
    const exited = (async () => {
      while (!(await lines.read()).done) { /* nothing more is written */ }
      return true;
    })();
    const late = new Promise<false>((resolve) => bound = setTimeout(() => resolve(false), EXIT_BOUND_MS));
    assert.ok(await Promise.race([exited, late]), `pocketsphinx ${pid} still runs after its client gave up`);
    // The FIFO's end is the event: `sleep` closes it only by exiting. (Its /proc state, read just then, may still say R
    // while the kernel tears it down: under the full suite's load it did.)
  } finally {
    clearTimeout(bound);
    if (pid !== null) killIfRunning(pid);
    server.kill("SIGTERM");
    await server.status;
    await output.cancel();
  }
});

/** Kills a process left running by a failed test; one that has ended already is let be. */
function killIfRunning(pid: number): void {
  try {
    Deno.kill(pid, "SIGKILL");
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
}
