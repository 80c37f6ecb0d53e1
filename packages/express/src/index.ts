// Implemented by its issue; placeholder so the workspace builds.
export {};
