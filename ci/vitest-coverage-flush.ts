// vitest ends its forked workers before Node writes NODE_V8_COVERAGE, so c8 would see none
// of the code the tests ran in-process; write the coverage out after each test file.
import v8 from 'node:v8';
import { afterAll } from 'vitest';

afterAll(() => {
  if (process.env['NODE_V8_COVERAGE']) v8.takeCoverage();
});
