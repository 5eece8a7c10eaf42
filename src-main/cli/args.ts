// The command line's arguments: positional ones and --options, and the error for a wrong call.
export class CliError extends Error {}

/** Parsed command line: positional arguments and --options (repeatable options collect values). */
export interface Args {
  positional: string[];
  options: Map<string, string[]>;
}

/** Options that take values; --model takes every value up to the next option. */
const MULTI = new Set(['model']);

export function parseArgs(argv: string[]): Args {
  const positional: string[] = [];
  const options = new Map<string, string[]>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '-o') {
      if (i + 1 >= argv.length) throw new CliError('-o needs a file name');
      options.set('out', [argv[++i]]);
    } else if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      const key = eq > 0 ? a.slice(2, eq) : a.slice(2);
      const values = options.get(key) ?? [];
      if (eq > 0) values.push(a.slice(eq + 1));
      else if (MULTI.has(key)) while (i + 1 < argv.length && !argv[i + 1].startsWith('-')) values.push(argv[++i]);
      else if (i + 1 < argv.length && !argv[i + 1].startsWith('--')) values.push(argv[++i]);
      if (values.length === 0) throw new CliError(`--${key} needs a value`);
      options.set(key, values);
    } else positional.push(a);
  }
  return { positional, options };
}

/** The value of an option given once. */
export const option = (args: Args, key: string): string | undefined => args.options.get(key)?.[0];
