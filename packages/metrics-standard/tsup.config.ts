import { packageConfig } from '../../tsup.shared.js';

export default packageConfig(['src/index.ts', 'src/cli.ts', 'src/tracing/index.ts'], {
  // lazy.ts loads pino on first use with createRequire(import.meta.url): shimmed in the CommonJS build.
  shims: true,
});
