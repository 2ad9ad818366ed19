import assert from "node:assert/strict";
import { InputError, issueWhere, WorkflowError } from "../../../lib/core/errors.ts";
import { findFfmpeg } from "../../../lib/media/ffmpeg.ts";
import type { StepStatus } from "../../../lib/plan/plan_status.ts";
import { loadPlan, planLoaded } from "../../../lib/run/load_plan.ts";
import { preflight } from "../../../lib/run/preflight.ts";
import { resolveWorkflow } from "../../../lib/workflow/resolve_workflow.ts";
import { corruptJpeg } from "../../_support/damaged_images.ts";
import { tempDir } from "../../_support/temp_dir.ts";
import { makeTestVideo } from "../../_support/test_video.ts";

const where = { file: "lesson.ts", moduleUrl: "file:///lesson.ts" };

/** Every step of the plan to run, but `storedIds` as the store holds them (a made-up value). */
function statusOf(steps: readonly { id: string }[], storedIds: readonly string[]): Map<string, StepStatus> {
  return new Map(steps.map((step) => {
    const stored = storedIds.includes(step.id);
    return [step.id, {
      status: stored ? "stored" : "run",
      key: null,
      paid: false,
      value: stored ? {} : null,
    }];
  }));
}

Deno.test("preflight() checks a stored narration's voice when --force or --force-step makes it run again", async () => {
  const workflow = await resolveWorkflow({
    formats: ["160x90"],
    titleCard: false,
    voice: { provider: "espeak", voice: "xx-no-such-voice" },
    videos: [{ id: "v", sections: [{ title: "Fine", narration: "Short." }] }],
  }, where);
  const { plan, workflows } = await planLoaded([workflow]);
  const ffmpeg = await findFfmpeg();
  const status = statusOf(plan.steps, ["v/s1/speech"]);
  // Stored and not forced: spoken before, nothing to check.
  assert.deepEqual(await preflight(plan, workflows, { ffmpeg, status }), []);
  const forced = (id: string) => id === "v/s1/speech";
  await assert.rejects(preflight(plan, workflows, { ffmpeg, status, forced }), (error) => {
    assert.ok(error instanceof InputError);
    assert.match(error.message, /Unknown espeak-ng voice "xx-no-such-voice"/);
    return true;
  });
});

Deno.test("preflight() names a JSON or YAML workflow's mistakes at their lines and columns, as its load does", async () => {
  // nt4: a YAML workflow's unknown voice and a JSON one's slide too full were named by path alone.
  const dir = await tempDir();
  const yaml = `${dir}/voice.yaml`;
  await Deno.writeTextFile(
    yaml,
    "formats: [160x90]\ntitleCard: false\nvoice:\n  provider: espeak\n  voice: xx-no-such-voice\n" +
      "videos:\n  - id: v\n    sections:\n      - { title: Fine, narration: Short. }\n",
  );
  const json = `${dir}/full.json`;
  const code = Array.from({ length: 60 }, (_, i) => `line ${i}`).join("\n");
  await Deno.writeTextFile(
    json,
    JSON.stringify(
      {
        formats: ["160x90"],
        titleCard: false,
        voice: { provider: "espeak", voice: "en-us" },
        videos: [{ id: "v", sections: [{ title: "Code", narration: "Short.", code: { text: code } }] }],
      },
      null,
      2,
    ),
  );
  const ffmpeg = await findFfmpeg();
  for (
    const [file, place] of [
      [yaml, "voice.voice, line 5, column 10"],
      [json, "videos[0].sections[0], line 14, column 9"],
    ]
  ) {
    const { plan, workflows } = await loadPlan([file!]);
    await assert.rejects(
      preflight(plan, workflows, { ffmpeg, status: statusOf(plan.steps, []) }),
      (error) => {
        assert.ok(error instanceof WorkflowError, String(error));
        assert.equal(issueWhere(error.issues[0]!), place);
        return true;
      },
    );
  }
});

Deno.test("preflight() asks for the key of a hosted API whose stored call --force-step makes again", async () => {
  const keyEnv = "REEL_TEST_PREFLIGHT_UNSET_KEY";
  Deno.env.delete(keyEnv);
  const workflow = await resolveWorkflow({
    formats: ["160x90"],
    titleCard: false,
    providers: { api: { api: "openai", keyEnv } },
    videos: [{
      id: "v",
      sections: [{
        title: "Fine",
        narration: "Short.",
        image: { provider: "api", prompt: "x", size: "1024x1024" },
      }],
    }],
  }, { ...where, env: () => undefined }); // the hosted API: no base URL variable set
  const { plan, workflows } = await planLoaded([workflow]);
  const ffmpeg = await findFfmpeg();
  const image = plan.steps.find((step) => step.provider === "api")!.id;
  const status = statusOf(plan.steps, [image]);
  assert.deepEqual(await preflight(plan, workflows, { ffmpeg, status }), []);
  await assert.rejects(
    preflight(plan, workflows, { ffmpeg, status, forced: (id) => id === image }),
    new RegExp(`Provider "api" calls the hosted API .* and ${keyEnv} is not set`),
  );
});

Deno.test("preflight() names every hosted provider without its key at once, those of one key together", async () => {
  const keyEnv = "REEL_TEST_PREFLIGHT_UNSET_KEY";
  const otherEnv = "REEL_TEST_PREFLIGHT_OTHER_UNSET_KEY";
  const thirdEnv = "REEL_TEST_PREFLIGHT_THIRD_UNSET_KEY";
  for (const name of [keyEnv, otherEnv, thirdEnv]) Deno.env.delete(name);
  // A second workflow's provider too (review: a first version stopped at the first file).
  const second = await resolveWorkflow({
    formats: ["160x90"],
    titleCard: false,
    providers: { art: { api: "openai", keyEnv: thirdEnv } },
    videos: [{
      id: "w",
      sections: [{ title: "C", narration: "Short.", image: { provider: "art", prompt: "z" } }],
    }],
  }, { file: "second.ts", moduleUrl: "file:///second.ts", env: () => undefined });
  const workflow = await resolveWorkflow({
    formats: ["160x90"],
    titleCard: false,
    providers: {
      images: { api: "openai", keyEnv },
      voices: { api: "openai", keyEnv },
      more: { api: "openai", keyEnv: otherEnv },
    },
    voice: { provider: "voices", voice: "alloy" },
    videos: [{
      id: "v",
      sections: [
        { title: "A", narration: "Short.", image: { provider: "images", prompt: "x", size: "1024x1024" } },
        { title: "B", narration: "Short.", image: { provider: "more", prompt: "y", size: "1024x1024" } },
      ],
    }],
  }, { ...where, env: () => undefined });
  const { plan, workflows } = await planLoaded([workflow, second]);
  // Before: the first only ("images"); with its key set, the next render stopped at the next one.
  await assert.rejects(
    preflight(plan, workflows, { ffmpeg: await findFfmpeg(), status: new Map() }),
    (error) => {
      assert.ok(error instanceof InputError);
      assert.match(
        error.message,
        new RegExp(
          `^Providers "images" and "voices" call the hosted API \\(.*\\) and ${keyEnv} is not set\\. ` +
            `Provider "more" calls the hosted API \\(.*\\) and ${otherEnv} is not set\\. ` +
            `Provider "art" calls the hosted API \\(.*\\) and ${thirdEnv} is not set$`,
        ),
      );
      // Each at its field (before: the files alone).
      assert.equal(
        error.where,
        `providers.images, providers.voices, providers.more (${where.file}); providers.art (second.ts)`,
      );
      return true;
    },
  );
});

Deno.test("preflight() asks for the key a compatible server's provider names in keyEnv, not for one it left out", async () => {
  const keyEnv = "REEL_TEST_PREFLIGHT_SERVER_UNSET_KEY";
  Deno.env.delete(keyEnv);
  const lesson = (providers: Record<string, unknown>) =>
    resolveWorkflow({
      formats: ["160x90"],
      titleCard: false,
      providers,
      videos: [{
        id: "v",
        sections: [{ title: "A", narration: "Short.", image: { provider: "art", prompt: "x" } }],
      }],
    }, { ...where, env: () => undefined });
  const ffmpeg = await findFfmpeg();
  const checked = async (providers: Record<string, unknown>) => {
    const { plan, workflows } = await planLoaded([await lesson(providers)]);
    return await preflight(plan, workflows, { ffmpeg, status: new Map() });
  };
  const server = { api: "openai", baseUrl: "http://127.0.0.1:9/v1" };
  // Before: each call failed at run time on the server's 401, exit 1.
  await assert.rejects(checked({ art: { ...server, keyEnv } }), (error) => {
    assert.ok(error instanceof InputError);
    assert.equal(
      error.message,
      `Provider "art" calls http://127.0.0.1:9/v1 with the key in ${keyEnv} (its keyEnv) and ${keyEnv} is not set`,
    );
    assert.equal(error.where, `providers.art.keyEnv (${where.file})`);
    assert.equal(
      error.hint,
      `Set ${keyEnv} to your API key or leave out the keyEnv of a server that needs no key`,
    );
    return true;
  });
  // A server that needs no key (keyEnv left out), or one whose URL holds the user and password it is sent.
  assert.deepEqual(await checked({ art: server }), []);
  assert.deepEqual(
    await checked({ art: { ...server, baseUrl: "http://me:secret@127.0.0.1:9/v1", keyEnv } }),
    [],
  );
});

Deno.test("preflight() decodes a variants overlay image only where a step that reads it runs", async () => {
  const dir = await tempDir();
  await makeTestVideo(`${dir}/clip.mp4`, { seconds: 1, audio: false });
  await Deno.writeFile(`${dir}/logo.jpg`, await corruptJpeg());
  const overlay = { image: "logo.jpg", position: "top-left", size: 0.5, opacity: 1 };
  const workflow = await resolveWorkflow({
    variants: [{
      inputs: ["clip.mp4"],
      recipes: [{ name: "branded", format: "90x90", overlay }, { name: "plain", format: "90x90" }],
    }],
  }, { file: "v.ts", moduleUrl: `file://${dir}/v.ts` });
  const { plan, workflows } = await planLoaded([workflow]);
  const ffmpeg = await findFfmpeg();
  const readers = plan.steps.filter((step) => step.runtime.overlayImage === `${dir}/logo.jpg`).map((step) =>
    step.id
  );
  assert.ok(readers.length > 0);
  // Every step that reads it is stored (made from these very bytes, its key holds their digest): not decoded again
  // (it was on every unchanged re-run, about 130 ms an image).
  assert.deepEqual(await preflight(plan, workflows, { ffmpeg, status: statusOf(plan.steps, readers) }), []);
  // One of them runs: decoded, and this one is refused at its field.
  await assert.rejects(
    preflight(plan, workflows, { ffmpeg, status: statusOf(plan.steps, readers.slice(1)) }),
    /the JPEG is corrupt: its pixels do not decode/,
  );
});

Deno.test("preflight() says a lesson's text holding U+FFFD (a file in another encoding), not refused", async () => {
  // A workflow saved in Latin-1, or an outline its code read from one: "café" drawn and said as "caf\uFFFD" unsaid.
  const dir = await tempDir();
  const file = `${dir}/latin1.yaml`;
  const encode = (text: string) => [...new TextEncoder().encode(text)];
  await Deno.writeFile(
    file,
    new Uint8Array([
      ...encode("formats: [160x90]\nvideos:\n  - id: v\n    sections:\n      - title: Caf"),
      0xe9,
      ...encode('\n        bullets: [Fine, "Encoding errors show as \uFFFD"]\n        narration: Short.\n'),
    ]),
  );
  const { plan, workflows } = await loadPlan([file]);
  const warnings = await preflight(plan, workflows, { ffmpeg: await findFfmpeg(), status: new Map() });
  assert.deepEqual(warnings.filter((warning) => warning.includes("U+FFFD")), [
    "videos[0].sections[0].title holds U+FFFD (�), which stands for bytes that could not be read as UTF-8: if a " +
    `file it came from was saved in another encoding (Latin-1?), save it as UTF-8 (${file})`,
    // Said, not refused: the character itself may be meant.
    "videos[0].sections[0].bullets[1] holds U+FFFD (�), which stands for bytes that could not be read as UTF-8: " +
    `if a file it came from was saved in another encoding (Latin-1?), save it as UTF-8 (${file})`,
  ]);
});
