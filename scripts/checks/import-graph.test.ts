import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { cycleEdges, folderCycles, folderGraph } from './import-graph';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

function tree(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'convscope-graph-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

describe('folder-level import graph', () => {
  it('finds a cycle between two folders, and ignores nesting, tests and packages', () => {
    const root = tree({
      'src/app/a.ts': "import { b } from '../layout/b';\nimport x from 'solid-js';",
      'src/layout/b.ts': "export { c } from '../app/c';",
      'src/app/c.ts': 'export const c = 1;',
      'src/fmt/index.ts': "import { op } from './ops/op';",
      'src/fmt/ops/op.ts': "import type { T } from '../types';",
      'src/fmt/types.ts': 'export type T = 1;',
      'src/fmt/x.test.ts': "import '../app/a';",
      'src/lazy/l.ts': "const m = await import('../fmt/index');",
    });
    const graph = folderGraph(root, ['src']);
    expect(folderCycles(graph)).toEqual([['src/app', 'src/layout']]);
    expect(cycleEdges(graph, ['src/app', 'src/layout']).sort()).toEqual(['src/app → src/layout', 'src/layout → src/app']);
    expect([...graph.get('src/lazy')!]).toEqual(['src/fmt']);
  });

  it('ConvScope has no folder cycles', () => {
    const graph = folderGraph(repo, ['src-main', 'src-shared', 'src-preload', 'src-renderer']);
    const cycles = folderCycles(graph).map((c) => cycleEdges(graph, c).join(', '));
    expect(cycles).toEqual([]);
  });
});
