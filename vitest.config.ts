import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'arch/**/*.test.ts', 'zdtm/**/*.test.ts', 'bench/**/*.test.ts'],
    // Checkpoint tests fork, ptrace and kill real processes: keep them in separate processes.
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
