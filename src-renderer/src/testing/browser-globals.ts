// The renderer's tests run in Node, but importing a panel kind loads its body: Solid's compiled JSX
// registers its event delegation on `window.document` and Pixi reads `navigator` when they load.
// These stand-ins let the modules load; no test draws, so nothing else of the DOM is needed.
const g = globalThis as Record<string, unknown>;
g.window ??= globalThis;
g.document ??= { addEventListener() {}, removeEventListener() {} };
g.navigator ??= { userAgent: 'node' };
