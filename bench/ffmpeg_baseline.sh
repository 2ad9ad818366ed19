#!/usr/bin/env bash
# The best hand-written ffmpeg script for the benchmark's lesson, doing the same work as reel: it draws its own
# slides and speaks the narration (bench/lesson_assets.sh), and writes one MP4 per format (constant frame rate,
# H.264 High + AAC-LC 48 kHz, a keyframe every 2 s, +faststart) and an SRT and a VTT with one cue per section.
#
#   - each section lasts its narration rounded up to whole frames; the WAVs are padded to those frames, joined
#     and encoded to AAC once for the whole video (shared by every format), while the clips encode;
#   - clips: the slide decoded once and repeated by a bounded loop filter, x264 ultrafast + stillimage (8x8dct on,
#     for High profile), video only, six clips to an ffmpeg process with -threads 1 each, one process per core;
#   - per format the concat demuxer joins the clips by stream copy and muxes the shared narration in.
#
# usage: ffmpeg_baseline.sh WORK_DIR FPS OUT_DIR   (WORK_DIR as for lesson_assets.sh; outputs go to OUT_DIR as
#   lesson.<format>.mp4, lesson.srt and lesson.vtt)
set -euo pipefail
work=$1
fps=$2
out=$3
here=$(dirname "$0")
jobs=$(nproc)
tmp=$(mktemp -d "$out.tmp.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$out" "$tmp/clips"
sections=$(ls "$work/sections" | sed -n 's/\.txt$//p' | sort)
bash "$here/lesson_assets.sh" "$work" "$tmp"

clips() { # format section... : the sections' clips of one format, one x264 (one thread) per clip, one process
  local name=$1 inputs=() outputs=() filters="" i=0 s frames
  shift
  for s in "$@"; do
    frames=$(cat "$tmp/audio/$s.frames")
    inputs+=(-i "$tmp/slides/${s}_$name.png")
    filters+="[$i:v]format=yuv420p,loop=loop=$((frames - 1)):size=1,setpts=N/$fps/TB[v$i];"
    outputs+=(-map "[v$i]" -frames:v "$frames" -r "$fps" -c:v libx264 -preset ultrafast -tune stillimage \
      -profile:v high -x264-params 8x8dct=1 -g $((2 * fps)) -threads 1 "$tmp/clips/${s}_$name.mp4")
    i=$((i + 1))
  done
  ffmpeg -nostdin -v error -y "${inputs[@]}" -filter_complex "${filters%;}" "${outputs[@]}"
}
export -f clips
export fps tmp

# Frames per section from each WAV's header (16-bit mono PCM, 44-byte header), then the narration, once.
filter="" inputs=() i=0 total=0 previous=0
rate=$(od -An -tu4 -j24 -N4 "$tmp/audio/$(echo "$sections" | head -1).wav" | tr -d ' ')
for s in $sections; do
  samples=$(( ($(stat -c %s "$tmp/audio/$s.wav") - 44) / 2 ))
  frames=$(( (samples * fps + rate - 1) / rate ))
  echo "$frames" > "$tmp/audio/$s.frames"
  total=$((total + frames))
  end=$(( (total * 48000 + fps / 2) / fps ))
  inputs+=(-i "$tmp/audio/$s.wav")
  filter+="[$i:a]aresample=48000,aformat=sample_fmts=fltp:channel_layouts=mono,apad,atrim=end_sample=$((end - previous))[a$i];"
  previous=$end
  i=$((i + 1))
done
labels=$(for ((n = 0; n < i; n++)); do printf '[a%d]' "$n"; done)
ffmpeg -nostdin -v error -y "${inputs[@]}" -filter_complex "${filter}${labels}concat=n=$i:v=0:a=1[a]" -map "[a]" \
  -ac 1 -c:a aac -aac_coder fast -b:a 96k "$tmp/narration.m4a" &
narration=$!

# Clips, six to a process, one process per core.
while read -r name _; do
  echo "$sections" | xargs -n 6 echo "$name"
done < "$work/formats.txt" | xargs -P "$jobs" -L 1 bash -c 'clips "$@"' _
wait "$narration"

# Per format: the clips joined by stream copy, the narration muxed in.
while read -r name _; do
  for s in $sections; do echo "file '$tmp/clips/${s}_$name.mp4'"; done > "$tmp/$name.txt"
  ffmpeg -nostdin -v error -y -f concat -safe 0 -i "$tmp/$name.txt" -i "$tmp/narration.m4a" -map 0:v -map 1:a \
    -c copy -movflags +faststart "$out/lesson.$name.mp4" &
done < "$work/formats.txt"
wait

# Subtitles: one cue per section, on its frames.
stamp() { # frame separator
  local ms=$(( $1 * 1000 / fps ))
  printf '%02d:%02d:%02d%s%03d' $((ms / 3600000)) $((ms / 60000 % 60)) $((ms / 1000 % 60)) "$2" $((ms % 1000))
}
n=0 start=0
echo "WEBVTT" > "$out/lesson.vtt"
: > "$out/lesson.srt"
for s in $sections; do
  end=$((start + $(cat "$tmp/audio/$s.frames")))
  n=$((n + 1))
  text=$(tr '\n' ' ' < "$work/sections/$s.txt")
  printf '%d\n%s --> %s\n%s\n\n' "$n" "$(stamp $start ,)" "$(stamp $end ,)" "$text" >> "$out/lesson.srt"
  printf '\n%s --> %s\n%s\n' "$(stamp $start .)" "$(stamp $end .)" "$text" >> "$out/lesson.vtt"
  start=$end
done
