# syntax=docker/dockerfile:1
#
# panther-audit: `schedule` by default (the nightly audit), or any command: `docker run IMAGE run`, `... simulate`.
# Two stages: the build installs the dependencies and bundles the sources with them into dist/ (scripts/build.mjs),
# which also audits its simulator twice to make V8's code cache for the program; the runtime gets that dist/ alone,
# which needs no node_modules. Both stages use the same NODE_IMAGE: the code cache is only taken by the Node that
# made it.
# test/Container/ProductionInstall.test.ts repeats the runtime stage's steps without Docker.

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
# The build only warns when its audit could not make the code cache (a program that still runs, only starts slower);
# the image needs it, and stops here, below the build's own message saying why, rather than at the COPY below.
RUN npm run build && test -s dist/program.cjs.cache

FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production
WORKDIR /app
# These four files are the whole program: program.cjs holds the code of every dependency it uses, program.cjs.cache
# its compiled code, bin.js starts it, and dist/package.json makes bin.js an ES module. No node_modules, no npm
# install here, and not the rest of dist/: the benchmark, which cannot run in the image, and the source maps.
COPY --from=build /app/dist/bin.js /app/dist/package.json /app/dist/program.cjs /app/dist/program.cjs.cache ./dist/
# Put the command on PATH. Node follows the link back to /app/dist/bin.js, which loads the program from beside it.
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
