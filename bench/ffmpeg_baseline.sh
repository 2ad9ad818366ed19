#!/usr/bin/env bash
# The plain-ffmpeg baseline the benchmark compares reel with: the same work a careful hand-written script does.
# Narration once per section (shared by every format), a still clip per section and format at 1 fps (the slide
# decoded once), then the concat demuxer with stream copy; `xargs -P` runs one job per core.
#
# usage: ffmpeg_baseline.sh WORK_DIR VOICE   (WORK_DIR holds text/NN.txt and slides/NN_FORMAT.png)
set -euo pipefail
work=$1
voice=${2:-slt}
jobs=$(nproc)
mkdir -p "$work/audio" "$work/clips" "$work/out"

narrate() { # section
  local s=$1 dir=$2 voice=$3
  if [ "$voice" = espeak ]; then
    espeak-ng -v en-us -s 165 -w "$dir/audio/$s.wav" -f "$dir/text/$s.txt"
  else
    ffmpeg -nostdin -v error -y -f lavfi -i "flite=textfile=$dir/text/$s.txt:voice=$voice" "$dir/audio/$s.wav"
  fi
  ffmpeg -nostdin -v error -y -i "$dir/audio/$s.wav" -ac 1 -ar 48000 -c:a aac -aac_coder fast -b:a 96k "$dir/audio/$s.m4a"
}
clip() { # section_format
  # The slide is decoded once and repeated by a bounded loop filter (not `-loop 1`, which decodes it per frame).
  local sf=$1 dir=$2 s=${1%%_*} duration frames
  duration=$(ffprobe -v error -show_entries format=duration -of csv=p=0 "$dir/audio/$s.m4a")
  frames=$(awk -v d="$duration" 'BEGIN { f = int(d); if (f < d) f++; print f }')
  ffmpeg -nostdin -v error -y -i "$dir/slides/$sf.png" -i "$dir/audio/$s.m4a" \
    -filter_complex "[0:v]format=yuv420p,loop=loop=$((frames - 1)):size=1,setpts=N/TB[v]" -map "[v]" -map 1:a \
    -r 1 -t "$duration" -c:v libx264 -preset ultrafast -tune stillimage -c:a copy "$dir/clips/$sf.mp4"
}
export -f narrate clip

ls "$work/text" | sed 's/\.txt$//' | xargs -P "$jobs" -I{} bash -c 'narrate "$@"' _ {} "$work" "$voice"
ls "$work/slides" | sed 's/\.png$//' | xargs -P "$jobs" -I{} bash -c 'clip "$@"' _ {} "$work"
for format in $(ls "$work/slides" | sed 's/^[0-9]*_//; s/\.png$//' | sort -u); do
  list="$work/clips/$format.txt"
  : > "$list"
  for f in $(ls "$work/clips" | grep "_$format.mp4$" | sort); do echo "file '$work/clips/$f'" >> "$list"; done
  ffmpeg -nostdin -v error -y -f concat -safe 0 -i "$list" -c copy -movflags +faststart "$work/out/lesson.$format.mp4"
done
