// The benchmark computes the renderer's default subscription in Node, which imports the panel
// kinds and with them Pixi; Pixi reads `navigator` at import time, which Node 20 lacks.
const scope = globalThis as { navigator?: unknown };
scope.navigator ??= { userAgent: 'node', vendor: '' };

export {};
