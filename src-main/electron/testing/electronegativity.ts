// Electronegativity (Doyensec's scanner for Electron misconfigurations) over a copy of the files
// that make up the desktop shell: the main process's window code, the preload and the page's HTML.
// A copy, because the scanner takes one folder and its global checks (permission handler,
// navigation limits, CSP) must see all of them together; tests and test helpers stay out.
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export interface Finding {
  id: string;
  file: string;
  line: number;
  sample?: string;
  description: string;
}

export interface ScanResult {
  checks: number;
  files: string[];
  /** Files the scanner could not parse (their checks did not run). */
  errors: { file: string; message: string; tolerable: boolean }[];
  findings: Finding[];
}

interface RawIssue {
  id: string;
  file: string;
  location: { line: number };
  sample?: string;
  description: string;
}
type Run = (options: Record<string, unknown>) => Promise<{ globalChecks: number; atomicChecks: number; errors: ScanResult['errors']; issues: RawIssue[] }>;

const root = resolve(import.meta.dirname, '..', '..', '..');
/** What the shell is made of, relative to the repository root. */
export const SHELL_SOURCES = ['src-main/electron', 'src-preload', 'src-renderer/index.html'];

const isTestFile = (src: string) => /\.test\.ts$/.test(src) || /[\\/]testing([\\/]|$)/.test(src);

export async function scanShell(): Promise<ScanResult> {
  const dir = await mkdtemp(join(tmpdir(), 'convscope-electronegativity-'));
  try {
    const files: string[] = [];
    for (const rel of SHELL_SOURCES) {
      await cp(join(root, rel), join(dir, rel), {
        recursive: true,
        filter: (src) => {
          if (isTestFile(src.slice(root.length))) return false;
          if (/\.(ts|tsx|js|cjs|mjs|html)$/.test(src)) files.push(src.slice(root.length + 1));
          return true;
        },
      });
    }
    const run = createRequire(import.meta.url)('@doyensec/electronegativity') as Run;
    const electron = (createRequire(import.meta.url)('electron/package.json') as { version: string }).version;
    const r = await run({
      input: dir,
      electronVersionOverride: electron,
      isRelative: true,
      // This one asks GitHub for newer Electron releases; the tests run offline, and keeping
      // Electron current is the dependency update's job, not a property of our sources.
      excludeFromScan: ['AvailableSecurityFixesGlobalCheck'],
    });
    return {
      checks: r.globalChecks + r.atomicChecks,
      files,
      errors: r.errors,
      findings: r.issues.map((i) => ({ id: i.id, file: i.file, line: i.location.line, sample: i.sample, description: i.description })),
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
