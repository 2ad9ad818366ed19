#!/usr/bin/env bash
# The assets a hand-written pipeline makes for the benchmark's lesson, the way a careful script makes them: one
# ffmpeg per section draws every format's slide (drawtext, DejaVu Sans; PNG at zlib level 1) and espeak-ng speaks
# each narration straight to WAV; sections and slides run together, one job per core.
#
# usage: lesson_assets.sh WORK_DIR ASSETS_DIR
#   WORK_DIR holds sections/NN.title, NN.bullets (one per line), NN.txt (narration) and formats.txt
#   (`name width height` per line); ASSETS_DIR gets slides/NN_<format>.png and audio/NN.wav.
set -euo pipefail
work=$1
assets=$2
mkdir -p "$assets/slides" "$assets/audio"

slides() { # section: one ffmpeg draws every format's slide
  local s=$1 args=() i=0 name w h size
  local font=/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf bold=/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf
  while read -r name w h; do
    size=$(( (w < h ? w : h) / 14 ))
    args+=(-f lavfi -i "color=c=0x1e3a5f:s=${w}x${h}:d=1")
    args+=(-map "$i:v" -vf "drawtext=fontfile=$bold:textfile=$work/sections/$s.title:fontsize=$size:fontcolor=white:x=(w-tw)/2:y=h/8,drawtext=fontfile=$font:textfile=$work/sections/$s.bullets:fontsize=$((size * 2 / 3)):fontcolor=white:line_spacing=$((size / 3)):x=w/10:y=h/3" \
      -frames:v 1 -compression_level 1 "$assets/slides/${s}_$name.png")
    i=$((i + 1))
  done < "$work/formats.txt"
  ffmpeg -nostdin -v error -y "${args[@]}"
}
speak() { espeak-ng -v en-us -s 165 -w "$assets/audio/$1.wav" -f "$work/sections/$1.txt"; }
export -f slides speak
export work assets

for s in $(ls "$work/sections" | sed -n 's/\.txt$//p' | sort); do echo "slides $s"; echo "speak $s"; done |
  xargs -P "$(nproc)" -L 1 bash -c '"$0" "$1"'
