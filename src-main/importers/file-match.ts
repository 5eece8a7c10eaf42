// Sorting picked files by extension, shared by the importers' match().
import { basename, extname } from 'node:path';

/** The extension, lower case with the dot ('' when there is none). */
export const extensionOf = (path: string): string => extname(path).toLowerCase();

export function withExtension(paths: readonly string[], extensions: readonly string[]): string[] {
  return paths.filter((p) => extensions.includes(extensionOf(p)));
}

/** The one file of `files`, undefined when there is none; more than one is an error naming them. */
export function atMostOne(files: readonly string[], what: string, advice = 'pick one'): string | undefined {
  if (files.length > 1) throw new Error(`several ${what} given (${files.map((p) => basename(p)).join(', ')}); ${advice}`);
  return files[0];
}
