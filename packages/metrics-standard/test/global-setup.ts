import { buildPackages } from '../../../test-utils/build.mjs';

/**
 * Child-process tests (cluster, process errors, cardinality, the obs-contract bin) run the built
 * dist/ as users do: build it once before the run (a turbo cache hit when nothing changed).
 */
export default function setup(): void {
  buildPackages('@obs/metrics-standard');
}
