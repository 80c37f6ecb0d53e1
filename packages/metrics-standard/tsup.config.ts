import { packageConfig } from '../../tsup.shared.js';

// shims: the tracing entry resolves its optional peer, and lazy.ts loads pino and node:cluster on
// first use, with createRequire(import.meta.url), which the CommonJS build needs shimmed.
// stripInternal: private and protected members (marked @internal) are left out of the .d.ts and
// .d.cts, so that the ESM and CommonJS copies of a class type are structurally the same type: a
// project type-checking .ts and .cts files (both copies loaded) can pass an `Obs` from one to the
// other, and `FastifyInstance.obs` declared by both copies of @obs/fastify's types is one type
// (no TS2717). See docs/decisions/0063-dual-declarations.md.
// noExternal: fastest-levenshtein (2 kB, for "did you mean") is bundled, so the obs-contract bin
// stays self-contained and users install nothing more.
export default packageConfig(['src/index.ts', 'src/cli.ts', 'src/tracing/index.ts'], {
  shims: true,
  dts: { compilerOptions: { stripInternal: true } },
  noExternal: ['fastest-levenshtein'],
});
