/**
 * The HLS playlist steps: a rendition's media playlist (byte ranges into its fragmented MP4, as ffmpeg wrote them,
 * pointing at the published file), and the master playlist that lists the renditions with their bandwidth, size and
 * codecs.
 * @module
 */
import type { StepKindDefinition } from "../../../steps/step_kind.ts";
import { mp4Codecs } from "../../../media/mp4_codecs.ts";
import { numberField, outputPath } from "../../../steps/task_fields.ts";

/** The media file's name in the playlist ffmpeg writes (the encode step's scratch name). */
const SCRATCH_MEDIA = "media.m4s";

/** Writes a rendition's playlist with its media's URI set to `params.media` (the published file's name). */
export const hlsPlaylistStep: StepKindDefinition = {
  kind: "hls-playlist",
  version: 1,
  blocking: false,
  run: async (task) => {
    const { media } = task.params as { media: string };
    const value = task.inputs[0]!.value as { playlist?: unknown };
    if (typeof value.playlist !== "string") throw new TypeError(`Step "${task.id}" read no playlist`);
    const uri = encodeURI(media);
    const text = value.playlist.split("\n").map((line) => line.replaceAll(SCRATCH_MEDIA, uri)).join("\n");
    await Deno.writeTextFile(outputPath(task), text);
    return null;
  },
};

/**
 * Writes the master playlist: `params.playlists[i]` is the playlist of the rendition made by input `i`, listed
 * with its bandwidth, size and codecs (as its media's configuration boxes say them; none where one is unknown).
 */
export const hlsMasterStep: StepKindDefinition = {
  kind: "hls-master",
  // 2: CODECS (nt3: none, which RFC 8216 asks for and Apple's players use to pick a rendition).
  version: 2,
  blocking: false,
  run: async (task) => {
    const { playlists } = task.params as { playlists: string[] };
    const lines = ["#EXTM3U", "#EXT-X-VERSION:7", "#EXT-X-INDEPENDENT-SEGMENTS"];
    for (const [i, playlist] of playlists.entries()) {
      const { value, path } = task.inputs[i]!;
      const size = `${numberField(value, "width")}x${numberField(value, "height")}`;
      const codecs = path === null ? null : await mp4Codecs(path);
      lines.push(
        `#EXT-X-STREAM-INF:BANDWIDTH=${numberField(value, "bitrate")},RESOLUTION=${size}` +
          (codecs === null ? "" : `,CODECS="${codecs.join(",")}"`),
      );
      lines.push(encodeURI(playlist));
    }
    await Deno.writeTextFile(outputPath(task), `${lines.join("\n")}\n`);
    return null;
  },
};
