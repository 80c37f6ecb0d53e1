// Child-process tests run the built dist/ as users do; this builds what they need first.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

/**
 * Build workspace packages by turbo filter (`@obs/express...` = it and its dependencies) under
 * /tmp/obs-build.lock, so two runs never clean the same dist/ at once. A cache hit when nothing changed.
 */
export function buildPackages(...filters) {
  execFileSync('flock', ['/tmp/obs-build.lock', 'npx', 'turbo', 'run', 'build', ...filters.map((f) => `--filter=${f}`), '--output-logs=errors-only'], {
    cwd: root,
    stdio: 'inherit',
  });
}
