import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES, WARNING_CODES } from '../src/index.js';

const script = fileURLToPath(new URL('../scripts/write-errors-doc.mjs', import.meta.url));
const doc = fileURLToPath(new URL('../../../docs/errors.md', import.meta.url));

describe('docs/errors.md', () => {
  it('is up to date with ERROR_CODES and WARNING_CODES (regenerate: npm run docs:errors)', () => {
    const check = spawnSync(process.execPath, [script, '--check'], { encoding: 'utf8' });
    expect(check.stderr).toBe('');
    expect(check.status).toBe(0);
    const text = readFileSync(doc, 'utf8');
    for (const code of [...Object.keys(ERROR_CODES), ...Object.keys(WARNING_CODES)]) expect(text).toContain(`| \`${code}\` |`);
  });
});
