// Small statistics shared by the bench scripts (run.mjs, instructions.mjs, report.mjs).

/** The median of a list of numbers (the mean of the middle two for an even count); null when empty. */
export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const n = s.length;
  if (n === 0) return null;
  return n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
}
