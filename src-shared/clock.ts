// Wall-clock time with sub-millisecond resolution, comparable between the processes and threads of
// one machine (each has its own `performance.now()` origin; the epoch is shared).
export function wallNow(): number {
  return performance.timeOrigin + performance.now();
}
