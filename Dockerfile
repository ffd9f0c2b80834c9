# syntax=docker/dockerfile:1
#
# panther-audit: `schedule` by default (the nightly audit), or any command: `docker run IMAGE run`, `... simulate`.
# Two stages: the build installs the dependencies and bundles the sources with them into dist/ (scripts/build.mjs);
# the runtime gets that dist/ alone, which needs no node_modules. test/Container/ProductionInstall.test.ts repeats
# the runtime stage's steps without Docker.

ARG NODE_IMAGE=node:22-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
# --ignore-scripts: the `prepare` script would build, and the sources are not copied yet (this layer caches the
# dependencies until the lock file changes).
RUN npm ci --ignore-scripts --no-audit --no-fund
# esbuild reads the TypeScript settings from tsconfig.json; it does not type check (`npm test` does).
COPY tsconfig.json ./
COPY scripts/build.mjs ./scripts/
COPY src ./src
RUN npm run build

FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production
WORKDIR /app
# dist/ is the whole program: the bundles hold the code of every dependency they use, and dist/package.json marks
# them as ES modules. No package.json, no node_modules, no npm install here.
COPY --from=build /app/dist ./dist
# Put the command on PATH. Node follows the link back to /app/dist/bin.js and loads its chunks from beside it.
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
