# The callmycall-campaigns image: `cmc` (dist/cli.js) for the worker, the webhook
# receiver and the simulator. Built by docker-compose.yml; see docs/DEPLOY.md.
FROM node:20-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build

FROM node:20-slim
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
# Runtime assets tsc does not copy (the simulator's sample recording).
COPY src/simulator/assets ./src/simulator/assets
COPY campaigns ./campaigns
RUN mkdir -p /data /reports && chown node:node /data /reports
USER node
# Data (prepared rows, results, attempt ledger) and reports live on volumes.
ENV CMC_DATA_DIR=/data CMC_REPORTS_DIR=/reports
# Memory: V8 grows its heaps lazily while allocation runs high, and glibc gives each of
# the worker's native threads a malloc arena, so an unbounded worker's RSS rose with the
# rows it had run (452 MiB after 3,000 rows). A 256 MiB old space (prepare and report
# stream; their live heap stays far below it), small young-generation semispaces and two
# arenas keep it flat; npm run bench (benchmark 5) runs the compiled worker with exactly
# these two variables and reports the cost in speed.
ENV MALLOC_ARENA_MAX=2 NODE_OPTIONS="--max-old-space-size=256 --max-semi-space-size=4"
ENTRYPOINT ["node", "dist/cli.js"]
CMD ["worker"]
