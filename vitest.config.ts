import { defineConfig } from 'vitest/config';

/**
 * Fault scenarios: worker child processes SIGKILLed, servers stopped (test/faults/).
 * Sizes from env: FAULTS_ROWS (default 40). Only on request (`npm run test:faults` sets
 * CMC_FAULTS=1), so `npm test` stays fast.
 */
const faultsProject = {
  test: {
    name: 'faults',
    include: ['test/faults/**/*.test.ts'],
    globalSetup: ['test/globalSetup.ts'],
    testTimeout: 900_000,
    hookTimeout: 120_000,
    pool: 'forks' as const,
    poolOptions: { forks: { singleFork: true } },
  },
};

/**
 * The production shape (test/cluster/): scripts/cluster.sh's PostgreSQL-backed Temporal
 * cluster with faults injected. Only on request (`npm run test:cluster` sets CMC_CLUSTER=1).
 */
const clusterProject = {
  test: {
    name: 'cluster',
    include: ['test/cluster/**/*.test.ts'],
    testTimeout: 1_800_000,
    hookTimeout: 900_000,
    pool: 'forks' as const,
    poolOptions: { forks: { singleFork: true } },
  },
};

/**
 * Four projects:
 * - unit: pure code, no servers.
 * - contract: the CallMyCall client and simulator over real HTTP on loopback; no Temporal.
 * - integration: real Workers against ONE real Temporal dev server (test/globalSetup.ts).
 * - faults: fault scenarios with worker child processes (npm run test:faults).
 * - cluster: the production shape with faults (npm run test:cluster).
 */
export default defineConfig({
  test: {
    projects: [
      {
        test: { name: 'unit', include: ['test/unit/**/*.test.ts'], testTimeout: 20_000 },
      },
      {
        test: { name: 'contract', include: ['test/contract/**/*.test.ts'], testTimeout: 30_000 },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          globalSetup: ['test/globalSetup.ts'],
          testTimeout: 180_000,
          hookTimeout: 120_000,
          // Integration tests share one dev server; run files one at a time on 2 cores.
          pool: 'forks',
          poolOptions: { forks: { singleFork: true } },
        },
      },
      ...(process.env.CMC_FAULTS === '1' ? [faultsProject] : []),
      ...(process.env.CMC_CLUSTER === '1' ? [clusterProject] : []),
    ],
  },
});
