import assert from "node:assert/strict";
import { InputError } from "../../../lib/core/errors.ts";
import { findFfmpeg } from "../../../lib/media/ffmpeg.ts";
import { listVideoEncoders, probeEncoders, selectEncoders } from "../../../lib/media/select_encoder.ts";
import { fakeEncoderFfmpeg } from "../../_support/fake_encoder_ffmpeg.ts";
import { tempDir } from "../../_support/temp_dir.ts";

Deno.test("a hardware encoder whose test encode works is chosen over libx264", async () => {
  const fake = await fakeEncoderFfmpeg(await tempDir(), { works: true });
  const choice = await selectEncoders(fake);
  assert.equal(choice.h264.name, "h264_nvenc");
  assert.equal(choice.h264.hardware, true);
  assert.equal(choice.hevc?.name, "libx265");
  assert.equal(await fake.probes(), 1, "one test encode, and only of the encoder the build lists");
  await selectEncoders(fake);
  assert.equal(await fake.probes(), 1, "probed once per binary");
});

Deno.test("a hardware encoder the build lists but cannot open (no device) falls back to libx264, with the reason", async () => {
  const fake = await fakeEncoderFfmpeg(await tempDir(), { works: false });
  assert.equal((await selectEncoders(fake)).h264.name, "libx264");
  const nvenc = (await probeEncoders(fake)).find((probe) => probe.encoder.name === "h264_nvenc");
  assert.deepEqual({ ...nvenc, encoder: nvenc?.encoder.name }, {
    encoder: "h264_nvenc",
    listed: true,
    works: false,
    error: "Cannot load libcuda.so.1",
  });
  const vaapi = (await probeEncoders(fake)).find((probe) => probe.encoder.name === "h264_vaapi");
  assert.equal(vaapi?.listed, false, "encoders the build lacks are not tried");
});

Deno.test("--encoder overrides the probe, and an encoder that cannot be used is refused by name", async () => {
  const works = await fakeEncoderFfmpeg(await tempDir(), { works: true });
  assert.equal((await selectEncoders(works, { override: "libx264" })).h264.name, "libx264");
  const fails = await fakeEncoderFfmpeg(await tempDir(), { works: false });
  const refused = async (name: string, message: RegExp) => {
    const error = await selectEncoders(fails, { override: name }).catch((error) => error);
    assert.ok(error instanceof InputError, String(error));
    assert.match(error.message, message);
  };
  await refused(
    "h264_nvenc",
    /Encoder "h264_nvenc" \(from --encoder\) failed its test encode: Cannot load libcuda/,
  );
  await refused("h264_vaapi", /This ffmpeg has no encoder "h264_vaapi"/);
  await refused("mpeg4", /Unknown encoder "mpeg4"/);
});

Deno.test("listVideoEncoders() reads video encoders only", async () => {
  const names = await listVideoEncoders(await findFfmpeg());
  assert.ok(names.has("libx264"));
  assert.ok(!names.has("aac"));
});
