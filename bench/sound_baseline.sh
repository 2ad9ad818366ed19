#!/usr/bin/env bash
# The hand-written equivalent of reel's narration with loudness: ffmpeg's own two-pass loudnorm. Pass 1 joins the
# section WAVs and measures them (loudnorm print_format=json); pass 2 joins them again and applies the measured
# values in linear mode (one gain, loudnorm's own true-peak handling), resampled to 48 kHz and encoded to AAC once.
#
# usage: sound_baseline.sh OUT.m4a SECTION.wav...
set -euo pipefail
out=$1
shift
inputs=() labels=""
i=0
for wav in "$@"; do
  inputs+=(-i "$wav")
  labels+="[$i:a]"
  i=$((i + 1))
done
join="${labels}concat=n=$i:v=0:a=1"
target="I=-16:TP=-1.5:LRA=20"
json=$(ffmpeg -nostdin -hide_banner -nostats "${inputs[@]}" -filter_complex "$join,loudnorm=$target:print_format=json" \
  -f null - 2>&1 | sed -n '/^{/,/^}/p')
value() { echo "$json" | sed -n "s/.*\"$1\" : \"\\([^\"]*\\)\".*/\\1/p"; }
measured="measured_I=$(value input_i):measured_TP=$(value input_tp):measured_LRA=$(value input_lra)"
measured+=":measured_thresh=$(value input_thresh):offset=$(value target_offset)"
ffmpeg -nostdin -v error -y "${inputs[@]}" -filter_complex "$join,loudnorm=$target:$measured:linear=true,aresample=48000" \
  -ac 1 -c:a aac -aac_coder fast -b:a 96k -f mp4 "$out"
