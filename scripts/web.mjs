// `npm run web [-- --port N]`: build if needed, then run the browser-mode server in this process.
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { buildIfNeeded, root } from './build-state.mjs';

buildIfNeeded();
await import(pathToFileURL(join(root, 'out', 'main', 'web.js')).href);
