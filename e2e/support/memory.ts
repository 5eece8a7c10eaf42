// Memory of every process of a browser-mode session, read from /proc: the test runner's child
// processes (the server, its engine host, Chromium's browser, renderer, GPU and utility processes),
// each with its resident set (RSS) and its parts: anonymous (the heaps: V8's and native
// allocations), shared memory (buffers handed between processes: video frames, canvas bitmaps) and
// mapped files (the pages of the executable, its libraries and fonts that have been touched).
import { readdirSync, readFileSync } from 'node:fs';
import type { CDPSession } from '@playwright/test';

export interface ProcessMemory {
  pid: number;
  /** What the process is: 'server', 'engine', 'chromium browser', 'chromium renderer', … */
  role: string;
  rssKb: number;
  anonKb: number;
  shmemKb: number;
  fileKb: number;
}

function readProc(pid: number, file: string): string | null {
  try {
    return readFileSync(`/proc/${pid}/${file}`, 'utf8');
  } catch {
    return null;
  }
}

/** Every process below `root` (not `root` itself). */
export function descendants(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const stat = readProc(Number(name), 'stat');
    // The command name is in parentheses and may hold spaces; the parent pid follows the state.
    const after = stat?.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (!after) continue;
    const ppid = Number(after[1]);
    children.set(ppid, [...(children.get(ppid) ?? []), Number(name)]);
  }
  const out: number[] = [];
  const queue = [...(children.get(root) ?? [])];
  while (queue.length) {
    const pid = queue.shift()!;
    out.push(pid);
    queue.push(...(children.get(pid) ?? []));
  }
  return out;
}

function roleOf(pid: number, known: Record<number, string>): string {
  if (known[pid]) return known[pid];
  // Chromium's child processes rewrite their command line as one space-separated string.
  const cmd = (readProc(pid, 'cmdline') ?? '').replaceAll('\0', ' ').trim();
  const exe = cmd.split(' ')[0];
  if (/chrom/i.test(exe)) return `chromium ${cmd.match(/ --type=(\S+)/)?.[1] ?? 'browser'}`;
  return exe.split('/').pop() || `pid ${pid}`;
}

function kb(status: string, field: string): number {
  return Number(status.match(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm'))?.[1] ?? 0);
}

/** RSS and its parts for every live process below `root`; `known` names some of them. */
export function sampleProcesses(root: number, known: Record<number, string>): ProcessMemory[] {
  const out: ProcessMemory[] = [];
  for (const pid of descendants(root)) {
    const status = readProc(pid, 'status');
    if (!status) continue;
    const rssKb = kb(status, 'VmRSS');
    // Kernel threads and zombies have no memory of their own.
    if (rssKb === 0) continue;
    out.push({
      pid,
      role: roleOf(pid, known),
      rssKb,
      anonKb: kb(status, 'RssAnon'),
      shmemKb: kb(status, 'RssShmem'),
      fileKb: kb(status, 'RssFile'),
    });
  }
  return out;
}

/** Sums per role ('chromium renderer' may be several processes). */
type RoleMemory = Omit<ProcessMemory, 'pid' | 'role'> & { count: number };
export function byRole(samples: ProcessMemory[]): Map<string, RoleMemory> {
  const m = new Map<string, RoleMemory>();
  for (const s of samples) {
    const r = m.get(s.role) ?? { rssKb: 0, anonKb: 0, shmemKb: 0, fileKb: 0, count: 0 };
    r.rssKb += s.rssKb;
    r.anonKb += s.anonKb;
    r.shmemKb += s.shmemKb;
    r.fileKb += s.fileKb;
    r.count++;
    m.set(s.role, r);
  }
  return m;
}

/** The inspector URLs a Node process started with --inspect printed, in the order they came. */
export function inspectorUrls(log: string): string[] {
  return [...log.matchAll(/Debugger listening on (ws:\/\/\S+)/g)].map((m) => m[1]);
}

/** The V8 heap in use of a Node process, after a full garbage collection, through its inspector. */
export async function nodeHeapKb(inspectorUrl: string): Promise<number> {
  const { WebSocket } = await import('ws');
  const ws = new WebSocket(inspectorUrl);
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  try {
    let id = 0;
    const call = (method: string) =>
      new Promise<Record<string, unknown>>((resolve, reject) => {
        const mine = ++id;
        const onMessage = (data: Buffer) => {
          const m = JSON.parse(data.toString()) as { id?: number; result?: Record<string, unknown>; error?: { message: string } };
          if (m.id !== mine) return;
          ws.off('message', onMessage);
          if (m.error) reject(new Error(`${method}: ${m.error.message}`));
          else resolve(m.result ?? {});
        };
        ws.on('message', onMessage);
        ws.send(JSON.stringify({ id: mine, method }));
      });
    await call('HeapProfiler.collectGarbage');
    const usage = await call('Runtime.getHeapUsage');
    return Math.round(Number(usage.usedSize) / 1024);
  } finally {
    ws.close();
  }
}

/**
 * The page's V8 heap after a full garbage collection, from a heap snapshot (Blink's native objects
 * left out, as in the heap size DevTools reports), also without V8's compiled code: bytecode and
 * optimised machine code grow while V8 tiers functions up and shrink when it flushes them, which is
 * the engine's state, not the objects the app holds.
 */
export async function pageHeapKb(cdp: CDPSession): Promise<{ allKb: number; withoutCodeKb: number }> {
  await cdp.send('HeapProfiler.enable');
  await cdp.send('HeapProfiler.collectGarbage');
  const chunks: string[] = [];
  const onChunk = (e: { chunk: string }) => chunks.push(e.chunk);
  cdp.on('HeapProfiler.addHeapSnapshotChunk', onChunk);
  try {
    await cdp.send('HeapProfiler.takeHeapSnapshot', { reportProgress: false });
  } finally {
    cdp.off('HeapProfiler.addHeapSnapshotChunk', onChunk);
  }
  const snap = JSON.parse(chunks.join('')) as { snapshot: { meta: { node_fields: string[]; node_types: [string[]] } }; nodes: number[] };
  const fields = snap.snapshot.meta.node_fields;
  const stride = fields.length;
  const typeAt = fields.indexOf('type');
  const sizeAt = fields.indexOf('self_size');
  const types = snap.snapshot.meta.node_types[0];
  const [code, native, synthetic] = ['code', 'native', 'synthetic'].map((t) => types.indexOf(t));
  let all = 0;
  let codeBytes = 0;
  for (let i = 0; i < snap.nodes.length; i += stride) {
    const type = snap.nodes[i + typeAt];
    if (type === native || type === synthetic) continue;
    const size = snap.nodes[i + sizeAt];
    all += size;
    if (type === code) codeBytes += size;
  }
  return { allKb: Math.round(all / 1024), withoutCodeKb: Math.round((all - codeBytes) / 1024) };
}
