import assert from "node:assert/strict";
import { findFfmpeg } from "../../../lib/media/ffmpeg.ts";
import { ffmpegFilters } from "../../../lib/media/ffmpeg_filters.ts";
import { fakeFfmpegWithoutFlite } from "../../_support/fake_ffmpeg.ts";
import { tempDir } from "../../_support/temp_dir.ts";

Deno.test("ffmpegFilters() lists the installed ffmpeg's filters, flite among them on Debian", async () => {
  const filters = await ffmpegFilters(await findFfmpeg());
  for (const name of ["scale", "atempo", "concat", "flite"]) assert.ok(filters.has(name), name);
  assert.ok(!filters.has("Filters:") && !filters.has("="), [...filters].slice(0, 5).join());
});

Deno.test("ffmpegFilters() asks each binary once and reads a build without flite", async () => {
  const fake = await fakeFfmpegWithoutFlite(await tempDir());
  const first = await ffmpegFilters({ ffmpeg: fake.ffmpeg });
  const second = await ffmpegFilters({ ffmpeg: fake.ffmpeg });
  assert.equal(second, first);
  assert.ok(first.has("scale") && first.has("atempo") && !first.has("flite"), [...first].join());
  assert.equal(await fake.listings(), 1);
});
