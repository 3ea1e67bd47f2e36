# syntax=docker/dockerfile:1
# Tongxin (同心) bot image. Build: docker build -t tongxin .   Run: see docker-compose.yml.
#
# builder: builds the project wheel, installs it with its dependencies into /opt/venv, puts the
#          gettext catalogues where bot.i18n looks for them (beside the installed packages) and
#          compiles them (from /, so the installed copy is imported, not /src), so the runtime
#          never writes into the venv.
# runtime: the venv (which holds bot, handlers, models, jobs, channels, migrations and locales) on a clean
#          python:3.11-slim, running as the unprivileged user `tongxin`.
# Not in the image: sandbox/ (the Bot API emulator and web chat, for `tongxin demo` and the tests).
# It is neither copied nor in the build context, so the wheel has no sandbox package (checked
# below) and `tongxin demo` says it is not part of this installation.
# scripts/check-image-contents.sh checks the same without Docker.

ARG PYTHON_IMAGE=python:3.11-slim

FROM ${PYTHON_IMAGE} AS builder
ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONDONTWRITEBYTECODE=1
# A compiler only for dependencies without a wheel for this platform; it stays in this stage.
RUN apt-get update \
 && apt-get install -y --no-install-recommends gcc libc6-dev \
 && rm -rf /var/lib/apt/lists/*
RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH
RUN pip install --upgrade pip

WORKDIR /src
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY handlers ./handlers
COPY models ./models
COPY jobs ./jobs
COPY migrations ./migrations
COPY channels ./channels
# No COPY sandbox: setuptools' package discovery then finds no sandbox package to put in the wheel.
RUN pip wheel --no-deps --wheel-dir /dist . \
 && if python -m zipfile -l /dist/tongxin-*.whl | grep '^sandbox/'; then \
      echo "the wheel must not contain the sandbox package" >&2; exit 1; \
    fi \
 && pip install /dist/tongxin-*.whl

COPY locales /src/locales
RUN site="$(python -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')" \
 && rm -rf "$site/locales" \
 && cp -r /src/locales "$site/locales" \
 && find "$site/locales" -name '*.mo' -delete \
 && cd / \
 && python -c "from bot.i18n import LOCALES_DIR, load_catalogues; c = load_catalogues(); \
assert c.translator('en')('nav.home') != 'nav.home'; print('catalogues compiled in', LOCALES_DIR)" \
 && python -c "from bot.migrate import MIGRATIONS_DIR; \
assert (MIGRATIONS_DIR / 'alembic.ini').is_file(); print('migrations in', MIGRATIONS_DIR)" \
 && python -c "import importlib.util; assert importlib.util.find_spec('sandbox') is None; \
import bot.cli; print('no sandbox package; the CLI imports without it')" \
 && test -x /opt/venv/bin/tongxin


FROM ${PYTHON_IMAGE} AS runtime
# tzdata: Asia/Shanghai for zoneinfo (slim images do not always ship it). fonts-wqy-microhei:
# the CJK font the /stats charts draw Chinese with (TONGXIN_CJK_FONT's default path).
RUN apt-get update \
 && apt-get install -y --no-install-recommends tzdata fonts-wqy-microhei \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --system tongxin \
 && useradd --system --gid tongxin --home-dir /app --shell /usr/sbin/nologin tongxin \
 && mkdir -p /app/var \
 && chown tongxin:tongxin /app/var

COPY --from=builder /opt/venv /opt/venv

ENV PATH=/opt/venv/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    MPLCONFIGDIR=/tmp/matplotlib \
    TONGXIN_LISTEN=0.0.0.0:8080
# The embedded SQLite default lives in /app/var; production uses PostgreSQL (docker-compose.yml).
WORKDIR /app
USER tongxin

EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["python", "-c", "import os, urllib.request; port = os.environ.get('TONGXIN_LISTEN', '0.0.0.0:8080').rpartition(':')[2]; urllib.request.urlopen('http://127.0.0.1:' + port + '/healthz', timeout=4)"]

ENTRYPOINT ["tongxin"]
CMD ["run"]
