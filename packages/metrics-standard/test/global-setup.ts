import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/**
 * Child-process tests (cluster, process errors, cardinality) run the built dist/ as users do:
 * build it once before the run (a turbo cache hit when nothing changed).
 */
export default function setup(): void {
  execFileSync('flock', ['/tmp/obs-build.lock', 'npx', 'turbo', 'run', 'build', '--filter=@obs/metrics-standard', '--output-logs=errors-only'], {
    cwd: fileURLToPath(new URL('../../..', import.meta.url)),
    stdio: 'inherit',
  });
}
