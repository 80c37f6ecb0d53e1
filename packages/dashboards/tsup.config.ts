import { packageConfig } from '../../tsup.shared.js';

// index: the library (ESM + CJS + types); cli: the `obs-dashboards` bin (its shebang is kept).
export default packageConfig(['src/index.ts', 'src/cli.ts']);
