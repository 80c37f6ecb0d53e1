import { packageConfig } from '../../tsup.shared.js';

// shims: the tracing entry resolves its optional peer with createRequire(import.meta.url), which
// the CommonJS build needs shimmed.
export default packageConfig(['src/index.ts', 'src/cli.ts', 'src/tracing/index.ts'], { shims: true });
