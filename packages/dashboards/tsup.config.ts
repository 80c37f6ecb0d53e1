import { readFileSync } from 'node:fs';
import { packageConfig } from '../../tsup.shared.js';

const { version } = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8')) as { version: string };

// index: the library (ESM + CJS + types); cli: the `obs-dashboards` bin (its shebang is kept).
// The version is recorded in the manifest the generator writes next to its output.
export default packageConfig(['src/index.ts', 'src/cli.ts'], { define: { __OBS_DASHBOARDS_VERSION__: JSON.stringify(version) } });
