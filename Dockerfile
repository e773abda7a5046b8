# The embedded cloud in a container: `docker compose up` serves it on
# 127.0.0.1:4566. The CLI deploys into it over HTTP (stack and zips are
# uploaded), so the container needs no access to the project folder.

# Stage 1: bundle the cloud with esbuild (scripts/bundle-cloud.mjs decides what
# the image carries: the bundle, the Lambda worker bootstrap beside it, and the
# few packages that cannot be bundled, such as dynalite's native LevelDB).
FROM node:22-bookworm-slim AS build
# better-sqlite3 (the state store) downloads a prebuilt binding, or compiles one
# where none fits this platform: the compilers stay in this stage only.
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
WORKDIR /src
# Production dependencies only, exactly as locked (esbuild is one of them).
# bin/package.json is the local package that gives `npx movies` its bin link.
COPY package.json package-lock.json ./
COPY bin/package.json ./bin/package.json
RUN npm ci --omit=dev --no-audit --no-fund
COPY tsconfig.json ./
COPY emulator/ ./emulator/
COPY scripts/bundle-cloud.mjs ./scripts/bundle-cloud.mjs
RUN node scripts/bundle-cloud.mjs /cloud

# Stage 2: only the bundle folder on a clean Node image; no npm install, no tsx,
# no TypeScript sources.
FROM node:22-bookworm-slim

ENV NODE_ENV=production \
    NODE_OPTIONS=--enable-source-maps \
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED=true

WORKDIR /app
COPY --from=build /cloud/ ./

# State lives in a named volume; the image runs as the unprivileged `node` user.
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]

EXPOSE 4566
HEALTHCHECK --interval=5s --timeout=3s --start-period=10s --retries=5 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:4566/_movies/health').then(r => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]

CMD ["node", "main.mjs", "--host", "0.0.0.0", "--port", "4566", "--state-dir", "/data"]
