#!/usr/bin/env node
// The obs-dashboards command. This small file is committed so that npm links the bin at install time, even in
// a fresh clone where dist/ is not built yet; it runs the built CLI (dist/cli.js).
import('../dist/cli.js').catch((err) => {
  if (err?.code === 'ERR_MODULE_NOT_FOUND' && String(err.message).includes('dist/cli.js')) {
    process.stderr.write('obs-dashboards: this copy of @obs/dashboards is not built yet: run `npm run build` at the repository root.\n');
    process.exitCode = 2;
    return;
  }
  throw err;
});
