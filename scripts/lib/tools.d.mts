// Declarations of tools.mjs (the external-tool resolver), for the TypeScript tests and the e2e suite.

/** One external tool: its Debian package, its path inside it, its names on PATH, its brew formula. */
export interface ToolSpec {
  pkg: string;
  extra?: string[];
  bin: string;
  names: string[];
  brew: string;
  what: string;
  env?: Record<string, string>;
  install?: 'apt';
  why?: string;
}
export declare const TOOLS: Record<string, ToolSpec>;
export declare const SUITES: Record<string, string[]>;
export declare class ToolError extends Error {
  code: string;
  constructor(message: string, code?: string);
}
/** OBS_PROMTOOL for promtool, OBS_NODE_EXPORTER for node-exporter. */
export declare function envName(name: string): string;
export declare function cacheDir(env?: NodeJS.ProcessEnv): string;
/** Without fetching: override, then PATH, then the cache; a broken override throws. */
export declare function locateTool(name: string, env?: NodeJS.ProcessEnv): { path: string; source: 'override' | 'path' | 'cache' } | undefined;
export declare function missingMessage(names: string[], reason: string): string;
export declare function fetchUnavailable(env?: NodeJS.ProcessEnv): string | undefined;
export declare function ensureTools(names: string[], opts?: { env?: NodeJS.ProcessEnv; log?: (line: string) => void }): Record<string, string>;
/** The path of a tool for a test: located, else fetched; throws a ToolError naming the tool. */
export declare function tool(name: string, env?: NodeJS.ProcessEnv): string;
