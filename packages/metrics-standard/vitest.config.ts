import { defineProject } from 'vitest/config';

export default defineProject({ test: { name: 'metrics-standard', include: ['test/**/*.test.ts'] } });
