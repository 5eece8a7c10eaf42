// The folder-level import graph of the application's sources, and its cycles. A folder depends on
// another when one of its files imports a file there; a folder and the folders nested inside it
// count as one place (a format's ops/ folder may use its parent's types and be used by it). Tests
// and test helpers are left out: they may reach across folders to drive the real parts.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

const SOURCE = /\.(ts|tsx)$/;
const IMPORT = /(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) {
      if (name !== 'node_modules' && name !== 'testing' && name !== 'golden') out.push(...sourceFiles(p));
    } else if (SOURCE.test(name) && !/\.test\.tsx?$/.test(name) && !name.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

const nested = (a: string, b: string) => a === b || a.startsWith(b + sep) || b.startsWith(a + sep);

/** Folder → the folders its files import from (relative imports only), paths relative to `root`. */
export function folderGraph(root: string, roots: string[]): Map<string, Set<string>> {
  const graph = new Map<string, Set<string>>();
  for (const top of roots) {
    for (const file of sourceFiles(resolve(root, top))) {
      const from = relative(root, dirname(file));
      const edges = graph.get(from) ?? new Set<string>();
      graph.set(from, edges);
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(IMPORT)) {
        const spec = m[1] ?? m[2];
        if (!spec.startsWith('.')) continue;
        const to = relative(root, dirname(resolve(dirname(file), spec)));
        if (!nested(from, to)) edges.add(to);
      }
    }
  }
  return graph;
}

/** Every cycle's folders (strongly connected components with more than one folder), Tarjan's algorithm. */
export function folderCycles(graph: Map<string, Set<string>>): string[][] {
  let index = 0;
  const idx = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  const visit = (v: string) => {
    idx.set(v, index);
    low.set(v, index++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!idx.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!));
    }
    if (low.get(v) === idx.get(v)) {
      const scc: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        scc.push(w);
      } while (w !== v);
      if (scc.length > 1) cycles.push(scc.sort());
    }
  };
  for (const v of graph.keys()) if (!idx.has(v)) visit(v);
  return cycles;
}

/** For a cycle, the imports that close it: "a → b" pairs inside the component. */
export function cycleEdges(graph: Map<string, Set<string>>, cycle: string[]): string[] {
  const inside = new Set(cycle);
  return cycle.flatMap((a) => [...(graph.get(a) ?? [])].filter((b) => inside.has(b)).map((b) => `${a} → ${b}`));
}
