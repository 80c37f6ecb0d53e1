// `npx obs-dashboards generate`, as the @obs/dashboards README writes it, into a temp folder.
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assert, report, run } from './lib.mjs';

const out = mkdtempSync(join(tmpdir(), 'obs-release-dashboards-'));
try {
  const res = await run('npx', ['--no', 'obs-dashboards', 'generate', '--out', out]);
  assert(res.code === 0, `npx obs-dashboards generate exited ${res.code}:\n${res.out}`);
  const files = readdirSync(out, { recursive: true });
  for (const dir of ['grafana/dashboards', 'prometheus/rules', 'alertmanager']) {
    assert(files.some((f) => f.startsWith(`${dir}/`)), `no ${dir}/ in the output of obs-dashboards generate`);
  }
  report('dashboards', `npx obs-dashboards generate wrote ${files.filter((f) => f.includes('.')).length} files`, ['@obs/dashboards', '@obs/metrics-standard']);
} finally {
  rmSync(out, { recursive: true, force: true });
}
