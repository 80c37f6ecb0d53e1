#!/usr/bin/env node
// `node scripts/tools.mjs ensure <suite|tool>...`: make the external tools a suite runs available
// (override, PATH, project cache, else fetched from Debian's packages), or fail at once with one
// message naming each missing tool and how to get it. `which <tool>` prints one path; `list` all.
import { ensureTools, locateTool, SUITES, TOOLS, ToolError } from './lib/tools.mjs';

const [command = 'list', ...args] = process.argv.slice(2);
const expand = (items) => items.flatMap((a) => SUITES[a] ?? [a]);

try {
  if (command === 'ensure') {
    const names = expand(args.length ? args : ['test']);
    ensureTools(names);
  } else if (command === 'which') {
    for (const name of args) {
      const found = locateTool(name);
      if (!found) throw new ToolError(`${name}: not found (run: node scripts/tools.mjs ensure ${name})`);
      console.log(found.path);
    }
  } else if (command === 'list') {
    for (const name of Object.keys(TOOLS)) {
      const found = locateTool(name);
      console.log(`${name.padEnd(14)} ${found ? `${found.source.padEnd(8)} ${found.path}` : 'missing'}`);
    }
    for (const [suite, names] of Object.entries(SUITES)) console.log(`suite ${suite}: ${names.join(', ')}`);
  } else {
    throw new ToolError(`unknown command "${command}"; use: ensure <suite|tool>..., which <tool>..., list`);
  }
} catch (err) {
  if (!(err instanceof ToolError)) throw err;
  process.stderr.write(`${err.message}\n`);
  process.exit(1);
}
