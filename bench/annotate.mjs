#!/usr/bin/env node
// Per-function instructions of a callgrind dump from bench/instructions.mjs, with JavaScript names.
//
//   node bench/annotate.mjs <callgrind dump> [perf map] [--top N] [--per N] [--inclusive]
//
// V8's machine code has no symbols, so callgrind names it by address (`0x…`). Run the servers with
// `node bench/instructions.mjs --perf-map …` (node --perf-basic-prof writes /tmp/perf-<pid>.map,
// copied next to the dump): this script renames every such function after the V8 code object that
// contains it (`JS:*track …/create.js:80`, `Builtin:…`), then hands the renamed dump to
// callgrind_annotate (through the tool resolver) and prints its per-function table; `--per N`
// divides by N (the measured requests) to read instructions per request.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { tool } from '../scripts/lib/tools.mjs';

const args = process.argv.slice(2);
const value = (name) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const positional = args.filter((a, i) => !a.startsWith('--') && !['--top', '--per'].includes(args[i - 1]));
const [dump, mapArg] = positional;
if (!dump) throw new Error('usage: annotate.mjs <callgrind dump> [perf map] [--top N] [--per N] [--inclusive]');
const mapFile = mapArg ?? `${dump.replace(/\.\d+$/, '')}.perf.map`;
const top = Number(value('--top') ?? 40);
const per = Number(value('--per') ?? 1);

/** Sorted [start, end, name] of every code object in the perf map. */
function readMap(file) {
  if (!existsSync(file)) return [];
  const entries = [];
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const m = /^([0-9a-f]+) ([0-9a-f]+) (.*)$/.exec(line);
    if (!m) continue;
    const start = Number.parseInt(m[1], 16);
    entries.push([start, start + Number.parseInt(m[2], 16), m[3]]);
  }
  return entries.sort((a, b) => a[0] - b[0]);
}

const map = readMap(mapFile);
/** The name of the last code object at `addr` (V8 reuses addresses; the later entry is the live one at dump time more often). */
function nameAt(addr) {
  let lo = 0;
  let hi = map.length - 1;
  let found;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (map[mid][0] <= addr) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  for (let i = found; i !== undefined && i >= 0 && map[i][0] <= addr && i > found - 50; i--) if (addr < map[i][1]) return map[i][2];
  return undefined;
}

// fn=(id) name / cfn=(id) name: rename address-only names (first definition of an id carries the name).
let renamed = 0;
const text = readFileSync(dump, 'utf8').replace(/^(c?fn=\(\d+\)) (0x[0-9a-f]+)$/gm, (whole, head, addr) => {
  const name = nameAt(Number.parseInt(addr, 16));
  if (name === undefined) return whole;
  renamed++;
  return `${head} ${name.replace(/\s+/g, '_')}`;
});
const out = `${dump}.named`;
writeFileSync(out, text);

const r = spawnSync(tool('callgrind_annotate'), [`--inclusive=${args.includes('--inclusive') ? 'yes' : 'no'}`, `--threshold=100`, out], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
if (r.status !== 0) throw new Error(`callgrind_annotate: ${r.stderr}`);
const lines = r.stdout.split('\n');
const start = lines.findIndex((l) => /file:function/.test(l));
console.log(`${dump}: ${renamed} address-named functions renamed from ${map.length ? mapFile : 'no perf map'}; per-function Ir${per > 1 ? ` ÷ ${per}` : ''} (${args.includes('--inclusive') ? 'inclusive' : 'self'})`);
const total = lines.find((l) => /PROGRAM TOTALS/.test(l));
if (total) console.log(per > 1 ? `total ${Math.round(Number(total.trim().split(/\s+/)[0].replace(/,/g, '')) / per).toLocaleString('en-US')} per request` : total.trim());
for (const l of lines.slice(start + 2, start + 2 + top)) {
  if (!l.trim()) break;
  const m = /^\s*([\d,]+)\s+(\([^)]*\))?\s*(.*)$/.exec(l);
  if (!m) continue;
  const ir = Number(m[1].replace(/,/g, ''));
  console.log(`${String(Math.round(ir / per)).padStart(10)}  ${m[2] ?? ''}  ${m[3].slice(0, 150)}`);
}
