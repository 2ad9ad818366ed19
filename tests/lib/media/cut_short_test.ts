import assert from "node:assert/strict";
import { cutShort } from "../../../lib/media/cut_short.ts";
import { findFfmpeg, runFfmpeg } from "../../../lib/media/ffmpeg.ts";
import { tempDir } from "../../_support/temp_dir.ts";

const dir = await tempDir("reel-cut-short-");
const ffmpeg = await findFfmpeg();
const picture = ["-f", "lavfi", "-i", "testsrc2=s=64x48:r=10:d=2"];
const sound = ["-f", "lavfi", "-i", "sine=f=440:d=2:sample_rate=48000"];
const made: Record<string, string[]> = {
  "clip.mp4": [...picture, ...sound, "-c:v", "libx264", "-preset", "ultrafast", "-c:a", "aac"],
  "clip.mkv": [...picture, ...sound, "-c:v", "libx264", "-preset", "ultrafast", "-c:a", "aac"],
  "clip.webm": [...picture, ...sound, "-c:v", "libvpx", "-deadline", "realtime", "-c:a", "libopus"],
  "sound.ogg": [...sound, "-c:a", "libvorbis"],
  "sound.opus": [...sound, "-c:a", "libopus"],
  "anim.gif": [...picture],
  // Its Xing header, which ffmpeg writes, says its bytes (a constant bitrate one may have none: `-write_xing 0`).
  "sound.mp3": [...sound, "-c:a", "libmp3lame"],
  "sound.flac": [...sound, "-c:a", "flac"],
  "sound.aiff": [...sound],
};
for (const [name, args] of Object.entries(made)) await runFfmpeg(ffmpeg, [...args, `${dir}/${name}`]);

/** The first `fraction` of a file's bytes, as a partial download leaves it. */
async function cut(name: string, fraction: number): Promise<string> {
  const bytes = await Deno.readFile(`${dir}/${name}`);
  const path = `${dir}/cut-${fraction}-${name}`;
  await Deno.writeFile(path, bytes.subarray(0, Math.floor(bytes.length * fraction)));
  return path;
}

Deno.test("cutShort: whole files are whole, whatever their container", async () => {
  for (const name of Object.keys(made)) assert.equal(await cutShort(`${dir}/${name}`), null, name);
});

Deno.test("cutShort: an MP4, Matroska, WebM, Ogg, GIF or MP3 cut short is told, with what its container says", async () => {
  const expected: Record<string, string> = {
    "clip.mp4": "its data ends before its index says",
    "clip.mkv": "its data ends before its header says",
    "clip.webm": "its data ends before its header says",
    "anim.gif": "it ends before a GIF's trailer",
  };
  // Before: an MP3 cut short was transcribed in part, exit 0 (tx). Its ID3 tag, before the frames, is skipped.
  assert.match(
    await cutShort(await cut("sound.mp3", 0.5)) ?? "",
    new RegExp(`^its MP3 header says \\d+ bytes, the file holds \\d+$`),
  );
  for (const [name, reason] of Object.entries(expected)) {
    assert.equal(await cutShort(await cut(name, 0.5)), reason, name);
  }
  // fi4: an AIFF or a FLAC cut short was transcribed in part, exit 0.
  assert.match(
    await cutShort(await cut("sound.aiff", 0.5)) ?? "",
    /^its AIFF header says \d+ bytes, the file holds \d+$/,
  );
  assert.match(
    await cutShort(await cut("sound.flac", 0.5)) ?? "",
    /^its FLAC header says 2\.00 s of sound, the file holds (0\.\d\d|1\.[0-8]\d) s$/,
  );
  // rv6: a FLAC after an ID3v2 tag (20 bytes of it here) went to the MP3 check.
  const tagged = async (path: string) => {
    const tag = new Uint8Array([0x49, 0x44, 0x33, 4, 0, 0, 0, 0, 0, 20, ...new Uint8Array(20)]);
    await Deno.writeFile(`${path}.tagged`, new Uint8Array([...tag, ...await Deno.readFile(path)]));
    return `${path}.tagged`;
  };
  assert.equal(await cutShort(await tagged(`${dir}/sound.flac`)), null);
  assert.match(
    await cutShort(await tagged(await cut("sound.flac", 0.5))) ?? "",
    /^its FLAC header says 2\.00 s/,
  );
  for (const name of ["sound.ogg", "sound.opus"]) {
    assert.match(
      await cutShort(await cut(name, 0.5)) ?? "",
      /^its last page (is not whole|does not end its stream)$/,
    );
  }
});

Deno.test("cutShort: what cannot tell says nothing (text, an MP3 without a Xing header, an empty file, a live recorder's segment)", async () => {
  await Deno.writeTextFile(`${dir}/notes.txt`, "not media");
  await Deno.writeFile(`${dir}/empty.webm`, new Uint8Array());
  await runFfmpeg(ffmpeg, [...sound, "-c:a", "libmp3lame", "-write_xing", "0", `${dir}/plain.mp3`]);
  // A segment of unknown size (all ones), as a browser's MediaRecorder writes it: its length cannot be told.
  const webm = await Deno.readFile(`${dir}/clip.webm`);
  const segment = webm.findIndex((_, i) => webm[i] === 0x18 && webm[i + 1] === 0x53 && webm[i + 2] === 0x80);
  const live = webm.slice(0, Math.floor(webm.length / 2));
  live.set([0x01, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff], segment + 4);
  await Deno.writeFile(`${dir}/live.webm`, live);
  // A whole GIF with bytes after its trailer, as some tools pad it (ffmpeg reads every frame): whole.
  const gif = await Deno.readFile(`${dir}/anim.gif`);
  await Deno.writeFile(`${dir}/padded.gif`, new Uint8Array([...gif, 0, 0, 0, 0]));
  for (const name of ["notes.txt", "empty.webm", "plain.mp3", "live.webm", "padded.gif"]) {
    assert.equal(await cutShort(`${dir}/${name}`), null, name);
  }
  assert.equal(await cutShort(await cut("plain.mp3", 0.5)), null);
  // A FLAC written to a pipe leaves its total samples 0: its length cannot be told.
  const piped = new Deno.Command(ffmpeg.ffmpeg, {
    args: ["-v", "error", ...sound, "-c:a", "flac", "-f", "flac", "-"],
    stdout: "piped",
  });
  const { stdout } = await piped.output();
  await Deno.writeFile(`${dir}/piped.flac`, stdout.subarray(0, Math.floor(stdout.length / 2)));
  assert.equal(await cutShort(`${dir}/piped.flac`), null);
});

Deno.test("cutShort: a whole MP3 whose Xing bytes count its ID3 tag too, as LAME writes them, is whole", async () => {
  // rv15: a LAME file with cover art (an ID3 tag of 14 KB) was refused, its bytes compared with the file less the tag.
  const picture = `${dir}/cover.png`;
  await runFfmpeg(ffmpeg, ["-f", "lavfi", "-i", "testsrc2=s=160x120:d=1", "-frames:v", "1", picture]);
  const tagged = `${dir}/tagged.mp3`;
  await runFfmpeg(ffmpeg, [
    ...sound,
    "-i",
    picture,
    "-map",
    "0:a",
    "-map",
    "1:v",
    "-c:a",
    "libmp3lame",
    "-c:v",
    "copy",
    "-id3v2_version",
    "3",
    "-disposition:v",
    "attached_pic",
    tagged,
  ]);
  const bytes = await Deno.readFile(tagged);
  const text = new TextDecoder("latin1").decode(bytes);
  const at = Math.max(text.indexOf("Xing"), text.indexOf("Info"));
  const view = new DataView(bytes.buffer);
  const flags = view.getUint32(at + 4);
  assert.ok((flags & 2) !== 0, "ffmpeg writes the byte count");
  view.setUint32(at + 8 + ((flags & 1) !== 0 ? 4 : 0), bytes.length);
  await Deno.writeFile(tagged, bytes);
  assert.equal(await cutShort(tagged), null);
  await Deno.writeFile(tagged, bytes.subarray(0, Math.floor(bytes.length * 0.7)));
  assert.match(await cutShort(tagged) ?? "", /^its MP3 header says \d+ bytes, the file holds \d+$/);
});
