import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// Every published package's README has what a user looks for, in this order: a one-line promise,
// install, the smallest working usage, every option (type and default), compatibility, license.
const root = fileURLToPath(new URL('../..', import.meta.url));
const packages = readdirSync(join(root, 'packages'))
  .map((d) => join(root, 'packages', d))
  .filter((d) => existsSync(join(d, 'package.json')))
  .map((dir) => ({ dir, pkg: JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) }))
  .filter(({ pkg }) => !pkg.private);

/** `## Heading` text (level 2 or 3) → its body, in document order. */
function sections(markdown: string) {
  const out: { title: string; body: string }[] = [];
  let fence = false;
  for (const line of markdown.split('\n')) {
    if (line.startsWith('```')) fence = !fence;
    const m = !fence && /^#{2,3}\s+(.*)$/.exec(line);
    if (m) out.push({ title: m[1].trim().toLowerCase(), body: '' });
    else if (out.length > 0) out[out.length - 1].body += `${line}\n`;
  }
  return out;
}

/** Which required parts `markdown` lacks, named for the package owner. */
function missingReadmeParts(name: string, markdown: string): string[] {
  const missing: string[] = [];
  const [head] = markdown.split(/\n#{2,3}\s/);
  const promise = head
    .split('\n')
    .filter((l) => l.trim() && !l.startsWith('#') && !l.startsWith('[![') && !l.startsWith('<'))
    .join(' ');
  if (!/^#\s/m.test(head) || promise.length < 20) missing.push('promise (a one-line sentence under the # title)');
  const all = sections(markdown);
  const find = (re: RegExp) => all.find((s) => re.test(s.title));
  const install = find(/install/);
  if (!install) missing.push('install');
  else if (!new RegExp(`npm (i|install|add) .*${name.replace('/', '\\/')}`).test(install.body)) {
    missing.push(`install (no \`npm install ${name}\` command)`);
  }
  const usage = find(/\buse\b|usage|quick ?start|getting started|example/);
  if (!usage) missing.push('usage');
  else if (!usage.body.includes('```')) missing.push('usage (no code block)');
  const options = find(/options|api|configuration|reference/);
  if (!options) missing.push('options');
  else if (!/default/i.test(options.body + all.filter((s) => /option|api/.test(s.title)).map((s) => s.body).join(''))) {
    missing.push('options (no defaults stated)');
  }
  const compat = find(/compatib|requirements|support/);
  if (!compat) missing.push('compatibility');
  else if (!/node/i.test(compat.body)) missing.push('compatibility (Node versions not stated)');
  const license = find(/licen[cs]e/);
  if (!license) missing.push('license');
  else if (!license.body.includes('MIT')) missing.push('license (MIT not stated)');
  return missing;
}

describe('package READMEs', () => {
  it('checker: a README with every part passes; each missing part is named', () => {
    const good = [
      '# @obs/x',
      '',
      'One metrics contract for every Node service.',
      '## Install',
      '```sh\nnpm install @obs/x\n```',
      '## Usage',
      '```ts\nimport x from "@obs/x";\n```',
      '## Options',
      '| option | type | default |',
      '## Compatibility',
      'Node 20, 22 and 24.',
      '## License',
      'MIT',
    ].join('\n');
    expect(missingReadmeParts('@obs/x', good)).toEqual([]);
    const bad = good.replace('## Compatibility\nNode 20, 22 and 24.\n', '').replace('MIT', 'see file');
    expect(missingReadmeParts('@obs/x', bad)).toEqual(['compatibility', 'license (MIT not stated)']);
  });

  it.each(packages.map(({ dir, pkg }) => [pkg.name as string, dir]))('%s README has every required section', (name, dir) => {
    const file = join(dir, 'README.md');
    expect(existsSync(file), `${name}: README.md is missing`).toBe(true);
    expect(missingReadmeParts(name, readFileSync(file, 'utf8')), `${name}: README.md lacks`).toEqual([]);
  });
});

// On npmjs.com a README is shown without the repository around it: relative links are dead there.
// The repository URL is written once, in the root package.json; every manifest points at it.
describe('package manifests and README links work on the npm page', () => {
  const rootPkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const repoUrl = String(rootPkg.repository?.url ?? '').replace(/^git\+/, '').replace(/\.git$/, '');

  it('the root package.json names the repository (the one place its URL is written)', () => {
    expect(repoUrl).toMatch(/^https:\/\/github\.com\/[\w.-]+\/[\w.-]+$/);
  });

  it.each(packages.map(({ dir, pkg }) => [pkg.name as string, dir, pkg]))('%s: repository (with directory), homepage and bugs', (_name, dir, pkg) => {
    const directory = dir.slice(root.length).replace(/^\/+/, '');
    expect(pkg.repository).toEqual({ type: 'git', url: rootPkg.repository.url, directory });
    expect(pkg.homepage).toBe(`${repoUrl}/tree/main/${directory}#readme`);
    expect(pkg.bugs).toEqual(rootPkg.bugs);
  });

  it.each(packages.map(({ dir, pkg }) => [pkg.name as string, dir]))('%s README: every link is absolute, and repository links name files that exist', (_name, dir) => {
    const text = readFileSync(join(dir, 'README.md'), 'utf8');
    const links = [...text.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1] as string);
    expect(links.filter((l) => !/^(https?:|mailto:|#)/.test(l)), 'relative links (dead on npmjs.com)').toEqual([]);
    for (const link of links.filter((l) => l.startsWith(`${repoUrl}/`))) {
      const m = /^\/(blob|tree)\/main\/([^#?]+)/.exec(link.slice(repoUrl.length));
      expect(m, `${link}: expected ${repoUrl}/blob|tree/main/<path>`).not.toBeNull();
      expect(existsSync(join(root, (m as RegExpExecArray)[2] as string)), `${link} names a path that does not exist`).toBe(true);
    }
  });
});

// The ports and exposure the READMEs show agree with the code: a metrics server binding every
// interface is protected (the core README's advice), and the documented port is the default one
// the generated prometheus.yml scrapes (9464).
describe('README snippets: metrics servers', () => {
  const all = [join(root, 'README.md'), ...packages.map(({ dir }) => join(dir, 'README.md'))].flatMap((file) =>
    [...readFileSync(file, 'utf8').matchAll(/```js\n([\s\S]*?)```/g)].map((m) => ({ file: file.slice(root.length), code: m[1] as string })),
  );
  const calls = all.flatMap(({ file, code }) =>
    [...code.matchAll(/\b(serve|startMetricsServer|startClusterMetricsServer)\(([^)]*)\)/g)].map((m) => ({ file, call: m[0], args: m[2] as string })),
  );

  it('finds the metrics-server calls', () => {
    expect(calls.length).toBeGreaterThan(3);
  });

  it.each(calls.map((c) => [`${c.file}: ${c.call}`, c] as const))('%s', (_name, { args }) => {
    if (/host:\s*'(0\.0\.0\.0|::)'/.test(args)) expect(args, 'binds every interface without token or allow').toMatch(/\b(token|allow)\b/);
    const port = /port:\s*(\d+)/.exec(args)?.[1];
    if (port !== undefined) expect(Number(port)).toBe(9464);
  });
});
