# syntax=docker/dockerfile:1
# One image for all six services; each container picks its service with its command:
#   docker run xuncha python -m xuncha.serve findings --port 8000
# The entry point migrates the service's schema (as the service's own database role, from
# XUNCHA_<NAME>_DATABASE_URL) and then serves it with uvicorn on port 8000.
#
# Two more targets for the gateway (the last stage stays the services' image, the default):
#   docker build --target gateway -t xuncha-gateway .   # nginx + the built dashboard

# The dashboard (web/): npm ci from the committed lock file, then vite build.
FROM node:20-slim AS dashboard
WORKDIR /web
COPY web/package.json web/package-lock.json ./
RUN --mount=type=cache,target=/root/.npm npm ci --no-audit --no-fund
COPY web/ ./
# The dashboard's types are checked against the committed OpenAPI documents as it builds.
COPY docs/openapi/ /docs/openapi/
RUN npm run build

# The gateway: deploy/gateway/nginx.conf routes /api/<service>/ and serves the dashboard,
# client-side routes falling back to index.html.
FROM nginx:1.27-alpine AS gateway
COPY deploy/gateway/nginx.conf /etc/nginx/nginx.conf
COPY --from=dashboard /web/dist /usr/share/nginx/html
COPY docs/openapi/xuncha.json /usr/share/nginx/openapi/xuncha.json

# The services.
FROM python:3.11-slim AS services

ARG UV_VERSION=0.13.9

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy \
    UV_PYTHON_DOWNLOADS=never \
    UV_PYTHON=/usr/local/bin/python3.11 \
    UV_PROJECT_ENVIRONMENT=/app/.venv

# uv from PyPI, pinned to the version that wrote uv.lock.
RUN pip install "uv==${UV_VERSION}"

WORKDIR /app

# 1. Third-party dependencies only (a layer that changes only when uv.lock does). uv needs
#    every workspace member's pyproject.toml to read the workspace.
COPY pyproject.toml uv.lock ./
COPY shared/pyproject.toml shared/
COPY services/planning/pyproject.toml services/planning/
COPY services/findings/pyproject.toml services/findings/
COPY services/clues/pyproject.toml services/clues/
COPY services/rectification/pyproject.toml services/rectification/
COPY services/notify/pyproject.toml services/notify/
COPY services/accounts/pyproject.toml services/accounts/
RUN --mount=type=cache,target=/root/.cache/uv \
    uv sync --frozen --no-dev --no-install-workspace

# 2. The workspace itself. Installed editable (uv's default) on purpose: each service finds
#    its Alembic migrations next to its source (services/<name>/migrations), which a
#    non-editable install into site-packages would leave behind.
COPY shared/src shared/src
COPY services services
COPY src src
COPY deploy/postgres deploy/postgres
RUN --mount=type=cache,target=/root/.cache/uv \
    uv sync --frozen --no-dev \
 && python -m compileall -q shared/src services/*/src services/*/migrations src

RUN useradd --system --uid 10001 --home-dir /app --shell /usr/sbin/nologin xuncha
USER xuncha

ENV PATH="/app/.venv/bin:${PATH}"
EXPOSE 8000

# Ready = the database answers (see /readyz); compose repeats this per service.
HEALTHCHECK --interval=10s --timeout=5s --start-period=60s --retries=5 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/readyz', timeout=4)"]

CMD ["python", "-m", "xuncha.serve", "planning"]
