# The embedded cloud in a container: `docker compose up` serves it on
# 127.0.0.1:4566. The CLI deploys into it over HTTP (stack and zips are
# uploaded), so the container needs no access to the project folder.
FROM node:22-bookworm-slim

ENV NODE_ENV=production \
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED=true

WORKDIR /app

# Production dependencies only, exactly as locked.
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

COPY emulator/ ./emulator/
COPY handlers/functions.ts ./handlers/functions.ts

# State lives in a named volume; the image runs as the unprivileged `node` user.
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]

EXPOSE 4566
HEALTHCHECK --interval=5s --timeout=3s --start-period=10s --retries=5 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:4566/_movies/health').then(r => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]

CMD ["node", "--import", "tsx", "emulator/main.ts", "--host", "0.0.0.0", "--port", "4566", "--state-dir", "/data"]
