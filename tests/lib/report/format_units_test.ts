import assert from "node:assert/strict";
import { formatBytes, formatDuration, formatElapsed } from "../../../lib/report/format_units.ts";

Deno.test("formatDuration() writes m:ss.t and h:mm:ss.t", () => {
  assert.equal(formatDuration(0), "0:00.0");
  assert.equal(formatDuration(12_340), "0:12.3");
  assert.equal(formatDuration(83_400), "1:23.4");
  assert.equal(formatDuration(3_723_000), "1:02:03.0");
});

Deno.test("formatDuration() carries rounding into the next minute", () => {
  assert.equal(formatDuration(59_960), "1:00.0");
});

Deno.test("formatDuration() without tenths rounds up, for an ETA", () => {
  assert.equal(formatDuration(11_200, { tenths: false }), "0:12");
  assert.equal(formatDuration(1, { tenths: false }), "0:01");
  assert.equal(formatDuration(0, { tenths: false }), "0:00");
  assert.equal(formatDuration(3_600_000, { tenths: false }), "1:00:00");
});

Deno.test("formatDuration() rejects negative and non-finite durations", () => {
  assert.throws(() => formatDuration(-1), RangeError);
  assert.throws(() => formatDuration(Number.NaN), RangeError);
  assert.throws(() => formatDuration(Infinity), RangeError);
});

Deno.test("formatElapsed() writes seconds below a minute", () => {
  assert.equal(formatElapsed(0), "0.0s");
  assert.equal(formatElapsed(3_240), "3.2s");
  assert.equal(formatElapsed(59_940), "59.9s");
  assert.equal(formatElapsed(59_960), "1:00.0");
  assert.equal(formatElapsed(65_000), "1:05.0");
});

Deno.test("formatBytes() uses SI units with one decimal", () => {
  assert.equal(formatBytes(0), "0 B");
  assert.equal(formatBytes(999), "999 B");
  assert.equal(formatBytes(1_500), "1.5 kB");
  assert.equal(formatBytes(3_200_000), "3.2 MB");
  assert.equal(formatBytes(2_500_000_000), "2.5 GB");
});

Deno.test("formatBytes() moves to the next unit when rounding reaches 1000", () => {
  assert.equal(formatBytes(999_960), "1.0 MB");
});

Deno.test("formatBytes() rejects negative sizes", () => {
  assert.throws(() => formatBytes(-5), RangeError);
});
