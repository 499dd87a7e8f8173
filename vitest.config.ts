import { defineConfig } from 'vitest/config';

// Test tiers, as in ../shared/STYLE.md: run one with `npx vitest run --project db`.
//   unit     *.test.ts         pure functions, no I/O
//   db       *.db.test.ts      the real SQLite file in a temporary folder
//   api      *.api.test.ts     the app through inject() or a real loopback port
//   e2e      *.e2e.test.ts     whole flows across processes and servers on loopback
//   browser  *.browser.test.ts Debian's Chromium driven by playwright-core
const tier = (name: string, include: string, extra: object = {}) => ({
  extends: true as const,
  test: { name, include: [include], ...extra },
});

export default defineConfig({
  test: {
    testTimeout: 20_000,
    hookTimeout: 30_000,
    projects: [
      tier('unit', 'test/**/!(*.db|*.api|*.e2e|*.browser).test.ts'),
      tier('db', 'test/**/*.db.test.ts'),
      tier('api', 'test/**/*.api.test.ts'),
      tier('e2e', 'test/**/*.e2e.test.ts'),
      tier('browser', 'test/**/*.browser.test.ts', { testTimeout: 60_000, fileParallelism: false }),
    ],
  },
});
