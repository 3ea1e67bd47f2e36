#!/usr/bin/env bash
# Make sure the browser tests have Debian's Chromium, plus fonts for Chinese text and emoji (so
# the screenshots are legible). Installs what is missing with apt-get (as root, or via
# password-less sudo) and prints the browser's path. Playwright's own browser downloads are
# never used. Fails loudly, with the command to run, when it cannot install.
set -euo pipefail

browser="${TONGXIN_CHROMIUM:-/usr/bin/chromium}"
missing=()
if [ ! -x "$browser" ]; then
  if [ -n "${TONGXIN_CHROMIUM:-}" ]; then
    echo "ensure-chromium: TONGXIN_CHROMIUM=$TONGXIN_CHROMIUM is not an executable" >&2
    exit 1
  fi
  missing+=(chromium)
fi
fonts="$(fc-list 2>/dev/null || true)"
if ! fc-list :lang=zh 2>/dev/null | grep -q .; then
  missing+=(fonts-wqy-microhei)
fi
if ! grep -qi "color emoji" <<<"$fonts"; then
  missing+=(fonts-noto-color-emoji)
fi

if [ "${#missing[@]}" -gt 0 ]; then
  if ! command -v apt-get >/dev/null; then
    echo "ensure-chromium: ${missing[*]} missing and apt-get is not available;" \
      "install Chromium and set TONGXIN_CHROMIUM to its path" >&2
    exit 1
  fi
  if [ "$(id -u)" -eq 0 ]; then
    sudo=()
  elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
    sudo=(sudo -n)
  else
    echo "ensure-chromium: the browser tests need: ${missing[*]}. Install them with:" >&2
    echo "  sudo apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
  echo "ensure-chromium: installing ${missing[*]} with apt-get" >&2
  export DEBIAN_FRONTEND=noninteractive
  "${sudo[@]}" apt-get update -qq >&2 || {
    echo "ensure-chromium: apt-get update failed" >&2
    exit 1
  }
  "${sudo[@]}" apt-get install -y -qq "${missing[@]}" >&2 || {
    echo "ensure-chromium: apt-get install ${missing[*]} failed" >&2
    exit 1
  }
  if [ ! -x "$browser" ]; then
    echo "ensure-chromium: $browser is still missing after installing chromium" >&2
    exit 1
  fi
fi
echo "$browser"
