// Execution provider choice: the fastest one this machine can actually run, in the order
// CUDA / TensorRT (Linux, only when the opt-in CUDA provider libraries are installed), DirectML
// (Windows), CoreML (macOS), then CPU. Each candidate is tried; a failure falls through to the next.
// The Engine menu's choice (settings.engine.provider), else CONVSCOPE_PROVIDER, puts one provider
// first (e.g. webgpu, which onnxruntime-node bundles and the automatic order never guesses).
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import type * as Ort from 'onnxruntime-node';
import { PROVIDER_NAMES } from '../../src-shared/contract';

/** Folder holding onnxruntime-node's native libraries for this platform. */
function ortBinDir(): string | null {
  try {
    const req = createRequire(import.meta.url);
    const main = req.resolve('onnxruntime-node');
    return join(dirname(main), '..', 'bin', 'napi-v6', process.platform, process.arch);
  } catch {
    return null;
  }
}

/**
 * The provider CONVSCOPE_PROVIDER names, or null when it is unset; a name onnxruntime-node does not
 * know is an error, so that a typo does not quietly run on another provider.
 */
export function pinnedProvider(env: Record<string, string | undefined> = process.env): string | null {
  const asked = env.CONVSCOPE_PROVIDER?.trim().toLowerCase();
  if (!asked) return null;
  if (!(PROVIDER_NAMES as readonly string[]).includes(asked)) {
    throw new Error(`CONVSCOPE_PROVIDER=${env.CONVSCOPE_PROVIDER}: not an execution provider (one of ${PROVIDER_NAMES.join(', ')})`);
  }
  return asked;
}

/**
 * Providers worth trying here, best first; always ends with 'cpu'. The provider the settings prefer,
 * else the one CONVSCOPE_PROVIDER pins, comes first whether or not its libraries are seen
 * (onnxruntime says why it fails); Force CPU still wins over both.
 */
export function candidateProviders(forceCpu: boolean, env: Record<string, string | undefined> = process.env, preferred?: string): string[] {
  if (forceCpu) return ['cpu'];
  const pinned = preferred ?? pinnedProvider(env);
  if (pinned) return pinned === 'cpu' ? ['cpu'] : [pinned, 'cpu'];
  const out: string[] = [];
  if (process.platform === 'linux') {
    const bin = ortBinDir();
    if (bin && existsSync(join(bin, 'libonnxruntime_providers_cuda.so'))) out.push('cuda');
    if (bin && existsSync(join(bin, 'libonnxruntime_providers_tensorrt.so'))) out.push('tensorrt');
  } else if (process.platform === 'win32') out.push('dml');
  else if (process.platform === 'darwin') out.push('coreml');
  out.push('cpu');
  return out;
}

export interface ProviderSession {
  session: Ort.InferenceSession;
  provider: string;
  /** Why better providers were passed over (for the log / status). */
  skipped: string[];
}

/**
 * Threads onnxruntime's CPU provider uses within one run: one core is left for the window and the
 * camera (two cores give the engine one), at most four; CONVSCOPE_THREADS sets it (1–64).
 */
export function cpuThreads(env: Record<string, string | undefined> = process.env, cores = availableParallelism()): number {
  const asked = Number(env.CONVSCOPE_THREADS);
  if (Number.isInteger(asked) && asked >= 1 && asked <= 64) return asked;
  return Math.max(1, Math.min(4, cores - 1));
}

/**
 * onnxruntime session config entries. On x64 the CPU provider's weight prepacking is off: measured on
 * this project's models (batch 1, float32 NCHWc convolutions and matrix–vector products, which
 * prepacking does not speed up) inference took the same time without it, while DEX VGG-16 loaded in
 * 3.1–3.4 s instead of 4.2–7.1 s and its engine held ≈ 480 MiB less (the packed copy of its fully
 * connected weights). Elsewhere (ARM's packed kernels) onnxruntime's default stays.
 */
export function sessionConfig(arch: string = process.arch): Record<string, Record<string, string>> {
  return arch === 'x64' ? { session: { disable_prepacking: '1' } } : {};
}

/**
 * The options every session of the engine is made with on `provider` (the benchmark's profiler uses
 * them too). The intra-op thread count holds for every provider: the nodes a GPU provider cannot run
 * fall back to the CPU's kernels. (onnxruntime-node refuses a session whose intraOpNumThreads is
 * present but undefined: every GPU provider would fail to start.)
 */
export function sessionOptions(provider: string): Ort.InferenceSession.SessionOptions {
  return {
    executionProviders: [provider],
    graphOptimizationLevel: 'all',
    intraOpNumThreads: cpuThreads(),
    interOpNumThreads: 1,
    extra: sessionConfig(),
  };
}

/**
 * onnxruntime's reason a provider failed, in words for the status line: its first line, without the
 * source file, function and failed condition that precede the message proper
 * ("…/webgpu_context.cc:136 …::<lambda()> adapter_result.status == … was false. Failed to get a WebGPU
 * adapter: …") and without the "[ONNXRuntimeError] : 1 : FAIL : " code.
 */
export function providerFailure(message: string): string {
  let m = message.split('\n')[0].trim();
  const cond = m.indexOf(' was false. ');
  if (m.startsWith('/') && cond >= 0) m = m.slice(cond + ' was false. '.length);
  const code = m.match(/\[ONNXRuntimeError\] : \d+ : \w+ : (.*)$/);
  if (code) m = code[1];
  return m.trim() || message.trim();
}

/** Creates a session on the first provider that works (`onlyProvider`: that one or none). */
export async function createSession(
  ort: typeof Ort,
  model: Uint8Array,
  forceCpu: boolean,
  onlyProvider?: string,
  preferred?: string,
): Promise<ProviderSession> {
  const skipped: string[] = [];
  const order = onlyProvider ? [onlyProvider] : candidateProviders(forceCpu, process.env, preferred);
  let lastError: unknown;
  for (const provider of order) {
    try {
      const session = await ort.InferenceSession.create(model, sessionOptions(provider));
      return { session, provider, skipped };
    } catch (e) {
      lastError = e;
      skipped.push(`${provider}: ${providerFailure((e as Error).message)}`);
    }
  }
  throw lastError instanceof Error ? lastError : new Error(String(lastError));
}

/**
 * Providers this onnxruntime build could use on this machine, for the Engine menu: the automatic
 * order's, and WebGPU, which onnxruntime-node bundles everywhere (whether a Vulkan, Metal or
 * Direct3D 12 device is there shows only when it starts). Ends with 'cpu'.
 */
export function availableProviders(env: Record<string, string | undefined> = process.env): string[] {
  const out = candidateProviders(false, env);
  if (!out.includes('webgpu')) out.splice(out.length - 1, 0, 'webgpu');
  return out;
}
