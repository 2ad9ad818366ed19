import assert from "node:assert/strict";
import {
  PublishError,
  publishOutput,
  publishOutputs,
  removeStaleOutputs,
  stageOutput,
  temporaryName,
} from "../../../lib/store/publish_output.ts";
import { ID_MAX_LENGTH } from "../../../lib/schema/fields.ts";
import { listFolder } from "../../_support/cli.ts";
import { tempDir } from "../../_support/temp_dir.ts";

Deno.test("removeStaleOutputs() removes the temporary names of dead processes and keeps live ones", async () => {
  const dir = await tempDir();
  const live = temporaryName(`${dir}/a.mp4`);
  const dead = temporaryName(`${dir}/b.mp4`).replace(`.${Deno.pid}-`, ".999999999-");
  for (const path of [live, dead, `${dir}/c.mp4`]) await Deno.writeTextFile(path, "x");
  assert.equal(await removeStaleOutputs(dir), 1);
  assert.deepEqual(await listFolder(dir), [live.slice(dir.length + 1), "c.mp4"].sort());
  // Another host's (a container writing to the same folder): its pid means nothing here, so it is left for a day.
  const elsewhere = temporaryName(`${dir}/d.mp4`).replace(/\.\d+-h[0-9a-f]{8}-/, ".424242-h00000000-");
  const stale = temporaryName(`${dir}/e.mp4`).replace(/\.\d+-h[0-9a-f]{8}-/, ".424242-h00000000-");
  for (const path of [elsewhere, stale]) await Deno.writeTextFile(path, "x");
  const twoDaysAgo = new Date(Date.now() - 2 * 24 * 3_600_000);
  await Deno.utime(stale, twoDaysAgo, twoDaysAgo);
  assert.equal(await removeStaleOutputs(dir), 1);
  assert.ok((await listFolder(dir))!.includes(elsewhere.slice(dir.length + 1)));
});

Deno.test("publishOutput() replaces the destination with a copy and leaves no temporary name", async () => {
  const dir = await tempDir();
  await Deno.writeTextFile(`${dir}/artifact`, "v1");
  await publishOutput(`${dir}/artifact`, `${dir}/out.txt`);
  await publishOutput(`${dir}/artifact`, `${dir}/out.txt`);
  await Deno.writeTextFile(`${dir}/out.txt`, "edited");
  assert.equal(await Deno.readTextFile(`${dir}/artifact`), "v1");
  assert.deepEqual(await listFolder(dir), ["artifact", "out.txt"]);
});

Deno.test("publishOutput() names the real cause when the name is too long, not its cleanup's", async () => {
  const dir = await tempDir();
  await Deno.writeTextFile(`${dir}/a`, "x");
  const error = await publishOutput(`${dir}/a`, `${dir}/${"v".repeat(300)}.mp4`).catch((error) => error);
  assert.ok(error instanceof Error);
  // Without the call's paths (fi14: a full disk named the store's file and a temporary name).
  assert.equal(error.message, "File name too long (os error 36)");
  assert.deepEqual(await listFolder(dir), ["a"]);
});

Deno.test("publishOutput() onto a folder fails with the rename's cause and leaves no temporary name", async () => {
  const dir = await tempDir();
  await Deno.writeTextFile(`${dir}/a`, "x");
  await Deno.mkdir(`${dir}/b.mp4`);
  await assert.rejects(publishOutput(`${dir}/a`, `${dir}/b.mp4`), /: Is a directory \(os error 21\)$/);
  assert.deepEqual(await listFolder(dir), ["a", "b.mp4"]);
});

Deno.test("publishOutput() writes the longest output name ids allow: <video>.<format>.mp4", async () => {
  const dir = await tempDir();
  await Deno.writeTextFile(`${dir}/a`, "x");
  const name = `${"v".repeat(ID_MAX_LENGTH)}.${"f".repeat(ID_MAX_LENGTH)}.mp4`;
  await publishOutput(`${dir}/a`, `${dir}/${name}`);
  assert.deepEqual(await listFolder(dir), ["a", name]);
});

Deno.test("publishOutputs() copies every file before any is renamed: one that cannot be copied leaves all as they were", async () => {
  const dir = await tempDir();
  await Deno.writeTextFile(`${dir}/video`, "new video");
  await Deno.writeTextFile(`${dir}/a.mp4`, "old video");
  await Deno.writeTextFile(`${dir}/a.srt`, "old srt");
  const error = await publishOutputs([
    { artifact: `${dir}/video`, destination: `${dir}/a.mp4` },
    { artifact: `${dir}/gone`, destination: `${dir}/a.srt` },
  ]).catch((error) => error);
  assert.ok(error instanceof PublishError);
  assert.equal(error.destination, `${dir}/a.srt`);
  // Said as what it is: the stored file is gone, not the output folder refusing (before: "No such file … copy").
  assert.equal(
    error.message,
    `its stored file ${dir}/gone is gone (removed from the store while the render ran)`,
  );
  assert.equal(await Deno.readTextFile(`${dir}/a.mp4`), "old video");
  assert.equal(await Deno.readTextFile(`${dir}/a.srt`), "old srt");
  assert.deepEqual(await listFolder(dir), ["a.mp4", "a.srt", "video"]);
});

Deno.test("publishOutputs() puts back what the files renamed before a failed rename replaced: all or none", async () => {
  // fi: a subtitle file the folder would not let be replaced left the new video beside the old subtitles.
  const dir = await tempDir();
  for (const name of ["video", "srt", "vtt"]) await Deno.writeTextFile(`${dir}/${name}`, `new ${name}`);
  await Deno.writeTextFile(`${dir}/a.mp4`, "old video");
  await Deno.mkdir(`${dir}/a.vtt`);
  const inode = (await Deno.stat(`${dir}/a.mp4`)).ino;
  const error = await publishOutputs([
    { artifact: `${dir}/video`, destination: `${dir}/a.mp4` },
    { artifact: `${dir}/srt`, destination: `${dir}/a.srt` },
    { artifact: `${dir}/vtt`, destination: `${dir}/a.vtt` },
  ]).catch((error) => error);
  assert.ok(error instanceof PublishError);
  assert.equal(error.destination, `${dir}/a.vtt`);
  assert.match(error.message, /^Is a directory \(os error 21\)$/);
  // The video as it was (its inode too), no subtitles that were not there, no temporary name.
  assert.equal(await Deno.readTextFile(`${dir}/a.mp4`), "old video");
  assert.equal((await Deno.stat(`${dir}/a.mp4`)).ino, inode);
  assert.deepEqual(await listFolder(dir), ["a.mp4", "a.vtt", "srt", "video", "vtt"]);
  // Published whole once the folder allows it, with no second name left.
  await Deno.remove(`${dir}/a.vtt`);
  await publishOutputs([
    { artifact: `${dir}/video`, destination: `${dir}/a.mp4` },
    { artifact: `${dir}/vtt`, destination: `${dir}/a.vtt` },
  ]);
  assert.equal(await Deno.readTextFile(`${dir}/a.mp4`), "new video");
  assert.deepEqual(await listFolder(dir), ["a.mp4", "a.vtt", "srt", "video", "vtt"]);
});

Deno.test("publishOutputs() removes a file copied ahead (stageOutput) when a copy before it fails", async () => {
  // Before: a full disk failed the video's copy, and its subtitles, copied when they ended, stayed as .tmp files.
  const dir = await tempDir();
  await Deno.writeTextFile(`${dir}/srt`, "new srt");
  const staged = await stageOutput(`${dir}/srt`, `${dir}/a.srt`);
  const error = await publishOutputs([
    { artifact: `${dir}/gone`, destination: `${dir}/a.mp4` },
    { artifact: `${dir}/srt`, destination: `${dir}/a.srt`, staged },
  ]).catch((error) => error);
  assert.ok(error instanceof PublishError);
  assert.equal(error.destination, `${dir}/a.mp4`);
  assert.deepEqual(await listFolder(dir), ["srt"]);
});

Deno.test("publishOutputs() leaves a destination that holds the bytes already as it is (time and inode), and replaces any other", async () => {
  // Before: a render that made nothing new wrote every output again, new inode and time (make, rsync and sync
  // clients saw them all changed).
  const dir = await tempDir();
  const artifact = `${dir}/artifact`;
  // Over a mebibyte, so that the bytes are compared in two reads.
  const bytes = new Uint8Array((1 << 20) + 5).map((_, i) => i % 251);
  await Deno.writeFile(artifact, bytes);
  const out = `${dir}/out.mp4`;
  assert.deepEqual(await publishOutputs([{ artifact, destination: out }]), [false]);
  const past = new Date(Date.now() - 3_600_000);
  await Deno.utime(out, past, past);
  const before = await Deno.stat(out);
  assert.deepEqual(await publishOutputs([{ artifact, destination: out }]), [true]);
  const after = await Deno.stat(out);
  assert.deepEqual([after.ino, after.mtime?.getTime()], [before.ino, before.mtime?.getTime()]);
  // One staged ahead: its copy is removed, the destination left.
  const staged = await stageOutput(artifact, out);
  assert.deepEqual(await publishOutputs([{ artifact, destination: out, staged }]), [true]);
  assert.equal((await Deno.stat(out)).ino, before.ino);
  assert.deepEqual(await listFolder(dir), ["artifact", "out.mp4"]);
  // The same size, one byte other (past the first mebibyte): replaced. So is a link to the same bytes.
  const edited = bytes.slice();
  edited[bytes.length - 1] = 0;
  await Deno.writeFile(out, edited);
  assert.deepEqual(await publishOutputs([{ artifact, destination: out }]), [false]);
  assert.deepEqual(await Deno.readFile(out), bytes);
  await Deno.remove(out);
  await Deno.symlink(artifact, out);
  assert.deepEqual(await publishOutputs([{ artifact, destination: out }]), [false]);
  assert.ok((await Deno.lstat(out)).isFile);
});
