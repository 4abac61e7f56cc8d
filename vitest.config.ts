import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'arch/**/*.test.ts', 'zdtm/**/*.test.ts', 'bench/**/*.test.ts'],
    // Checkpoint tests fork, ptrace and kill real processes: keep them in separate processes.
    pool: 'forks',
    setupFiles: ['ci/vitest-coverage-flush.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
