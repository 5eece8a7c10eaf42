// Resident memory of the processes a run involves, read from /proc (Linux; elsewhere NaN).
import { readdirSync, readFileSync } from 'node:fs';

/** Resident set size of a process in MiB (NaN when it cannot be read). */
export function rssMiB(pid: number): number {
  try {
    const m = readFileSync(`/proc/${pid}/status`, 'utf8').match(/^VmRSS:\s+(\d+)\s+kB/m);
    return m ? Number(m[1]) / 1024 : Number.NaN;
  } catch {
    return Number.NaN;
  }
}

/** Child processes of `pid` whose command line contains `marker` (e.g. Chromium's `--type=renderer`). */
export function childrenWith(pid: number, marker: string): number[] {
  const out: number[] = [];
  let entries: string[];
  try {
    entries = readdirSync('/proc').filter((d) => /^\d+$/.test(d));
  } catch {
    return out;
  }
  const parentOf = (p: string) => {
    try {
      // Field 4 of /proc/<pid>/stat, after the parenthesised command name.
      const stat = readFileSync(`/proc/${p}/stat`, 'utf8');
      return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    } catch {
      return -1;
    }
  };
  const descends = (p: string): boolean => {
    for (let q = parentOf(p), hops = 0; q > 1 && hops < 8; q = parentOf(String(q)), hops++) if (q === pid) return true;
    return false;
  };
  for (const p of entries) {
    try {
      if (readFileSync(`/proc/${p}/cmdline`, 'utf8').includes(marker) && descends(p)) out.push(Number(p));
    } catch {
      // The process ended while we looked.
    }
  }
  return out;
}

/** CPU time a process has used so far (user + system), in ms (NaN when it cannot be read). */
export function cpuMs(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields 14 and 15 (utime, stime) in clock ticks; Linux's USER_HZ is 100.
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) * 10;
  } catch {
    return Number.NaN;
  }
}

/** Chromium's processes started by this process, by their --type (browser, gpu-process, renderer, utility:video…). */
export function chromiumProcesses(): Map<string, number[]> {
  const byType = new Map<string, number[]>();
  const add = (type: string, pid: number) => byType.set(type, [...(byType.get(type) ?? []), pid]);
  for (const pid of childrenWith(process.pid, 'chromium')) {
    let cmd: string;
    try {
      cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    } catch {
      continue;
    }
    const type = cmd.match(/--type=([\w-]+)/)?.[1] ?? 'browser';
    const sub = cmd.match(/--utility-sub-type=([\w.]+)/)?.[1];
    add(sub ? `utility:${sub.replace(/\.mojom\..*$/, '')}` : type, pid);
  }
  return byType;
}
