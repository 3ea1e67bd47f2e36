#!/usr/bin/env bash
# What the production image would hold, checked without Docker: build the wheel as the
# Dockerfile's builder does (from a tree with only what it copies before `pip wheel`), list it,
# install it into a fresh venv (locales beside it, as in the image) and run the CLI there.
# Fails if the wheel has a sandbox package, if the CLI needs one, or if `tongxin demo` does not
# say in one line that the demo is not installed. Needs the project's .venv (make venv) and
# the package index for the dependencies. Usage: scripts/check-image-contents.sh
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
py="$root/.venv/bin/python"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
for name in $(compgen -e | grep '^TONGXIN_' || true); do unset "$name"; done

# The builder's COPY lines between `WORKDIR /src` and `RUN pip wheel`: their sources.
mapfile -t sources < <(awk '/^WORKDIR \/src/ { on = 1; next }
  on && /^RUN pip wheel/ { exit }
  on && /^COPY / { for (i = 2; i < NF; i++) print $i }' "$root/Dockerfile")
echo "==> the builder copies: ${sources[*]}"
mkdir "$work/src"
for source in "${sources[@]}"; do cp -r "$root/$source" "$work/src/"; done
find "$work/src" -name __pycache__ -prune -exec rm -rf {} +

echo "==> pip wheel --no-deps (as the builder runs it)"
"$py" -m pip wheel --quiet --no-deps --wheel-dir "$work/dist" "$work/src"
wheel="$(echo "$work"/dist/tongxin-*.whl)"
echo "==> $(basename "$wheel"): files per top-level directory"
"$py" -m zipfile -l "$wheel" | awk 'NR > 1 { split($1, part, "/"); print part[1] }' | sort | uniq -c
if "$py" -m zipfile -l "$wheel" | grep -q '^sandbox/'; then
  echo "FAIL: the wheel contains the sandbox package" >&2
  exit 1
fi

echo "==> installing the wheel into a fresh venv"
"$py" -m venv "$work/venv"
"$work/venv/bin/python" -m pip install --quiet "$wheel"
site="$("$work/venv/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')"
cp -r "$root/locales" "$site/locales"
find "$site/locales" -name '*.mo' -delete

cd "$work"  # not the checkout: only the installed packages are importable
"$work/venv/bin/tongxin" --help >/dev/null
"$work/venv/bin/python" -c "import importlib.util, bot.cli
assert importlib.util.find_spec('sandbox') is None, 'sandbox is installed'
print('import bot.cli: ok, without a sandbox package')"
rc=0
"$work/venv/bin/tongxin" demo >"$work/demo.out" 2>&1 || rc=$?
if [ "$rc" -eq 0 ] || [ "$(wc -l <"$work/demo.out")" -ne 1 ] \
  || ! grep -q 'not part of this installation' "$work/demo.out"; then
  echo "FAIL: tongxin demo should exit non-zero with one line; it exited $rc with:" >&2
  cat "$work/demo.out" >&2
  exit 1
fi
echo "tongxin demo: exit $rc, '$(cat "$work/demo.out")'"
TONGXIN_DATABASE_URL="sqlite+aiosqlite:///$work/check.db" "$work/venv/bin/tongxin" migrate \
  2>/dev/null
echo "OK: the image's wheel has no sandbox package and the CLI works without it"
