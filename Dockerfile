# syntax=docker/dockerfile:1
#
# panther-audit: `schedule` by default (the nightly audit), or any command: `docker run IMAGE run`, `... simulate`.
# Two stages: the build has the dev dependencies (TypeScript); the runtime gets production dependencies and the
# compiled dist/ only. test/Container/ProductionInstall.test.ts repeats the runtime stage's steps without Docker.

ARG NODE_IMAGE=node:22-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
# --ignore-scripts: the `prepare` script would build, and the sources are not copied yet (this layer caches the
# dependencies until the lock file changes).
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build

FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
# --ignore-scripts here too: `prepare` needs TypeScript, which is a dev dependency, and dist/ comes built.
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
# The package's own bin is not linked by `npm ci`; put it on PATH. Node follows the link back to /app/dist, so the
# imports resolve from /app/node_modules.
RUN chmod 0755 /app/dist/bin.js \
  && ln -s /app/dist/bin.js /usr/local/bin/panther-audit \
  && mkdir -p /app/reports \
  && chown node:node /app/reports
# The code stays owned by root, read-only to the process; only the reports are writable.
USER node
ENV AUDIT_REPORT_DIR=/app/reports
VOLUME ["/app/reports"]
# The simulator's port, when the image runs `simulate --host 0.0.0.0`.
EXPOSE 4010
# Exec form: the process gets SIGTERM itself, stops the run in progress cleanly and exits 143 within seconds.
ENTRYPOINT ["panther-audit"]
CMD ["schedule"]
