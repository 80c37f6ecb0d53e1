/** Build workspace packages by turbo filter (`@obs/express...` = it and its dependencies) under /tmp/obs-build.lock. */
export function buildPackages(...filters: string[]): void;
