// Stores made for a test live in a Solid root, as they live in the window; disposing the root is
// what closing the window does (their effects, listeners and timers go with it).
import { createRoot } from 'solid-js';

const alive = new Set<() => void>();

/** Makes `make()` in a root of its own; `dispose` ends it. */
export function inRoot<T>(make: () => T): { value: T; dispose: () => void } {
  return createRoot((end) => {
    const dispose = () => {
      if (alive.delete(dispose)) end();
    };
    alive.add(dispose);
    return { value: make(), dispose };
  });
}

/** Ends every root still alive (after each test). */
export function disposeRoots(): void {
  for (const dispose of [...alive]) dispose();
}
