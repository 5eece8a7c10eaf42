// Where the default layout's extra inference time goes. Graphs (the plain model, which the fast
// path runs; the default layout's display graph, i.e. the model, its subscribed layers as outputs
// and ConvScope's quantisation nodes; or a part of that layout alone) are timed side by side in
// this process, each in a session of its own with the engine's session options; those asked for
// also run in a twin session under onnxruntime's profiler, the kernel time of every node summed
// into a few kinds of work. The profiler adds a little to every node, so the parts are for
// comparing graphs, not for reading absolute times off (the run times without it say that).
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import * as ort from 'onnxruntime-node';
import type { PreparedInput } from '../../src-main/engine/preprocess';
import { sessionOptions } from '../../src-main/engine/providers';
import { median } from './stats';

export const PROFILE_PARTS = ['model', 'layout', 'casts', 'selection', 'quantisation'] as const;
export type ProfilePart = (typeof PROFILE_PARTS)[number];

/** What each kind of work is, for the bench's report. */
export const PROFILE_PART_NAMES: Record<ProfilePart, string> = {
  model: "the network's own operators (convolutions, pooling, …)",
  layout: 'onnxruntime computes convolutions in a blocked channel layout (NCHWc) and reorders every layer read out of the graph to plain NCHW',
  casts: "a float16 model runs in float32 on the CPU, and every layer read out is cast back to float16 (ConvScope's own casts count below)",
  selection: "ConvScope's nodes that pick the maps: reshapes, map sums, top-k, gathers, concatenations",
  quantisation: "ConvScope's nodes that make the ranges and the bytes",
};

/** Microseconds per run under the profiler (means over the profiled runs). */
export interface GraphProfile {
  runs: number;
  runUs: number;
  /** All kernels; the parts add up to it. */
  kernelUs: number;
  parts: Record<ProfilePart, number>;
  nodes: number;
}

/** One event of onnxruntime's profile (Chrome trace format). */
export interface ProfileEvent {
  cat?: string;
  name: string;
  dur: number;
  ts: number;
  args?: { op_name?: string };
}

/** The kind of work a node of the profiled graph does, by its name (ConvScope's nodes are named convscope_q/…) and operator. */
export function partOf(node: string, op: string): ProfilePart {
  const q = node.indexOf('convscope_q/');
  if (q >= 0) {
    const rest = node.slice(q + 'convscope_q/'.length);
    // A group's chain (g0/…), the ranges' output, and a per-layer range (norm 'layer') are quantisation.
    return /^g\d+\//.test(rest) || /^ranges/.test(rest) || /\/layer_(min|max)/.test(rest) ? 'quantisation' : 'selection';
  }
  if (op === 'ReorderInput' || op === 'ReorderOutput') return 'layout';
  if (op === 'Cast') return 'casts';
  return 'model';
}

/** Sums a profile's node kernel times per part over the runs after the first `skip` (warm-up). */
export function summariseProfile(events: readonly ProfileEvent[], skip: number): GraphProfile {
  const runs = events.filter((e) => e.cat === 'Session' && e.name === 'model_run').sort((a, b) => a.ts - b.ts);
  const kept = runs.slice(skip);
  const parts = Object.fromEntries(PROFILE_PARTS.map((p) => [p, 0])) as Record<ProfilePart, number>;
  if (kept.length === 0) return { runs: 0, runUs: Number.NaN, kernelUs: Number.NaN, parts, nodes: 0 };
  const from = kept[0].ts;
  const nodes = new Set<string>();
  let kernels = 0;
  for (const e of events) {
    if (e.cat !== 'Node' || e.ts < from || !e.name.endsWith('_kernel_time')) continue;
    const node = e.name.slice(0, -'_kernel_time'.length);
    nodes.add(node);
    parts[partOf(node, e.args?.op_name ?? '')] += e.dur;
    kernels += e.dur;
  }
  const total = kept.reduce((a, e) => a + e.dur, 0);
  for (const p of PROFILE_PARTS) parts[p] /= kept.length;
  return { runs: kept.length, runUs: total / kept.length, kernelUs: kernels / kept.length, parts, nodes: nodes.size };
}

/** A graph's run time without the profiler and, when asked for, the profile of a twin session. */
export interface GraphTiming {
  /** Median ms per run without the profiler. */
  runMs: number;
  profile?: GraphProfile & {
    /** What the profiler adds per node executed, µs: (profiled run − run without it) ÷ nodes. */
    profilerUsPerNode: number;
  };
}

/**
 * Runs each graph on the CPU provider in a session without the profiler and, where `profile` is
 * set, in a twin session with onnxruntime's profiler, fetching every graph output: all sessions in
 * turn, round after round (so that a slower stretch of the machine weighs on each), `warmUp` rounds
 * and then at least `min` rounds and about `ms` ms. The profiler costs a few µs per node, some of it
 * inside the kernels' times, so the parts of a graph of many small nodes read high; the run times
 * without it say what a graph costs.
 */
export async function timeGraphs(graphs: readonly { model: Uint8Array; profile: boolean }[], input: PreparedInput, opts: { warmUp: number; min: number; ms: number }): Promise<GraphTiming[]> {
  const dir = mkdtempSync(join(tmpdir(), 'convscope-profile-'));
  const sessions: ort.InferenceSession[] = [];
  const make = async (model: Uint8Array, prefix?: string) => {
    const s = await ort.InferenceSession.create(model, prefix ? { ...sessionOptions('cpu'), enableProfiling: true, profileFilePrefix: join(dir, prefix) } : sessionOptions('cpu'));
    sessions.push(s);
    return s;
  };
  try {
    const made: { plain: ort.InferenceSession; profiled?: ort.InferenceSession; prefix: string }[] = [];
    for (const [i, g] of graphs.entries()) {
      const prefix = `graph${i}`;
      made.push({ plain: await make(g.model), ...(g.profile ? { profiled: await make(g.model, prefix) } : {}), prefix });
    }
    const tensor = input.data instanceof Uint16Array
      ? new ort.Tensor('float16', input.data, input.dims)
      : new ort.Tensor('float32', input.data, input.dims);
    const run = (s: ort.InferenceSession) => s.run({ [s.inputNames[0]]: tensor }, s.outputNames);
    const times = made.map(() => [] as number[]);
    const start = performance.now();
    for (let round = 0; round < opts.warmUp + opts.min || (performance.now() - start < opts.ms && round < opts.warmUp + 300); round++) {
      for (const [i, m] of made.entries()) {
        if (m.profiled) await run(m.profiled);
        const t0 = performance.now();
        await run(m.plain);
        if (round >= opts.warmUp) times[i].push(performance.now() - t0);
      }
    }
    // The profiles are written when the sessions end.
    while (sessions.length) await sessions.pop()!.release();
    return made.map((m, i) => {
      const runMs = median(times[i]);
      if (!m.profiled) return { runMs };
      const file = readdirSync(dir).find((f) => f.startsWith(`${m.prefix}_`) && f.endsWith('.json'));
      if (!file) throw new Error('onnxruntime wrote no profile');
      const p = summariseProfile(JSON.parse(readFileSync(join(dir, file), 'utf8')) as ProfileEvent[], opts.warmUp);
      return { runMs, profile: { ...p, profilerUsPerNode: (p.runUs - runMs * 1000) / Math.max(1, p.nodes) } };
    });
  } finally {
    for (const s of sessions) await s.release();
    rmSync(dir, { recursive: true, force: true });
  }
}
