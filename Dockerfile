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
ENTRYPOINT ["node", "dist/cli.js"]
CMD ["worker"]
