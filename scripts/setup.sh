#!/bin/sh
# Installs what reel needs on Debian/Ubuntu, skipping what is already there:
# ffmpeg (with ffprobe), espeak-ng, the slide fonts (DejaVu Sans, and Noto, Noto CJK and Symbola for the characters
# DejaVu lacks: other scripts, Chinese, Japanese, Korean, emoji), and for the tests pocketsphinx (speech recognition)
# and chromium (opens the HTML run report headless). Emoji come out in black and white from Symbola and Noto Sans
# Symbols2: the renderer (resvg) cannot draw Noto Color Emoji's bitmaps, so fonts-noto-color-emoji is not needed.
# redis-server runs a cluster's queue (and the cluster tests start their own). libdeflate0 inflates the slides' PNGs
# (through FFI; zlib does where it is missing, ~25x slower on a slide's long runs of one byte).
# Needs Node.js with npm for Deno itself: `npx -y deno@2.9.6 ...` fetches it from the npm registry.
set -eu
missing=""
command -v ffmpeg >/dev/null 2>&1 && command -v ffprobe >/dev/null 2>&1 || missing="$missing ffmpeg"
command -v espeak-ng >/dev/null 2>&1 || missing="$missing espeak-ng"
[ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || missing="$missing fonts-dejavu-core"
[ -f /usr/share/fonts/truetype/noto/NotoSans-Regular.ttf ] || missing="$missing fonts-noto-core"
[ -f /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc ] || missing="$missing fonts-noto-cjk"
[ -f /usr/share/fonts/truetype/ancient-scripts/Symbola_hint.ttf ] || missing="$missing fonts-symbola"
command -v pocketsphinx_continuous >/dev/null 2>&1 || missing="$missing pocketsphinx"
[ -d /usr/share/pocketsphinx/model/en-us ] || missing="$missing pocketsphinx-en-us"
command -v chromium >/dev/null 2>&1 || missing="$missing chromium"
command -v redis-server >/dev/null 2>&1 || missing="$missing redis-server"
{ ls /usr/lib/*/libdeflate.so.0 || ls /usr/lib/libdeflate.so.0; } >/dev/null 2>&1 || missing="$missing libdeflate0"
if [ -z "$missing" ]; then
  echo "reel setup: ffmpeg, espeak-ng, fonts, pocketsphinx, chromium, redis-server and libdeflate are installed"
  exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "reel setup: please install:$missing" >&2
  exit 2
fi
sudo=""
if [ "$(id -u)" != 0 ]; then
  if command -v sudo >/dev/null 2>&1; then sudo="sudo"; else
    echo "reel setup: run as root, or install:$missing (apt-get install -y$missing)" >&2
    exit 2
  fi
fi
echo "reel setup: installing$missing"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends $missing >/dev/null
