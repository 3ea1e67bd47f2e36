#!/usr/bin/env bash
# Make sure the CJK font the /stats charts draw Chinese with is installed (Debian's
# fonts-wqy-microhei) and print its path. TONGXIN_CJK_FONT names another font file instead.
# Installs with apt-get (as root, or via password-less sudo) when missing; fails loudly, with
# the command to run, when it cannot.
set -euo pipefail

font="${TONGXIN_CJK_FONT:-/usr/share/fonts/truetype/wqy/wqy-microhei.ttc}"
if [ -f "$font" ]; then
  echo "$font"
  exit 0
fi
if [ -n "${TONGXIN_CJK_FONT:-}" ]; then
  echo "ensure-cjk-font: TONGXIN_CJK_FONT=$TONGXIN_CJK_FONT is not a file" >&2
  exit 1
fi
if ! command -v apt-get >/dev/null; then
  echo "ensure-cjk-font: $font is missing and apt-get is not available;" \
    "install a CJK font and set TONGXIN_CJK_FONT to its file" >&2
  exit 1
fi
if [ "$(id -u)" -eq 0 ]; then
  sudo=()
elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
  sudo=(sudo -n)
else
  echo "ensure-cjk-font: the charts need fonts-wqy-microhei. Install it with:" >&2
  echo "  sudo apt-get install -y fonts-wqy-microhei" >&2
  exit 1
fi
echo "ensure-cjk-font: installing fonts-wqy-microhei with apt-get" >&2
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -qq >&2 || {
  echo "ensure-cjk-font: apt-get update failed" >&2
  exit 1
}
"${sudo[@]}" apt-get install -y -qq fonts-wqy-microhei >&2 || {
  echo "ensure-cjk-font: apt-get install fonts-wqy-microhei failed" >&2
  exit 1
}
if [ ! -f "$font" ]; then
  echo "ensure-cjk-font: $font is still missing after installing fonts-wqy-microhei" >&2
  exit 1
fi
echo "$font"
