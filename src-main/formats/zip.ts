// Zip archives read with fflate's streaming unzipper, for any format packed as a zip (Keras .keras).
// The archive is read from disk in chunks: small members are kept in memory, large ones are
// written straight to a file, so unpacking never holds the archive or a large member in memory.
import { closeSync, openSync, writeSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { basename } from 'node:path';
import { Unzip, UnzipInflate, type UnzipFile } from 'fflate';

/** Not a zip, truncated or corrupt, or a member larger than allowed. */
export class ZipError extends Error {}

/** What to do with one member: keep it in memory (up to `maxBytes`), write it to a file, or skip it. */
export type ZipMemberPlan = { memory: number } | { file: string; maxBytes: number } | 'skip';

export interface ZipContents {
  /** Every member's name, in archive order. */
  names: string[];
  /** Members kept in memory. */
  memory: Map<string, Uint8Array>;
  /** Members written to files: name → bytes written. */
  files: Map<string, number>;
}

const CHUNK = 4 << 20;

/**
 * Unpacks the members `plan` asks for. `name` is how messages call the archive; `onProgress`
 * gets the fraction of the archive read. Throws ZipError naming the archive (and member).
 */
export async function readZip(
  path: string,
  plan: (member: string) => ZipMemberPlan,
  opts: { name?: string; onProgress?: (fraction: number) => void } = {},
): Promise<ZipContents> {
  const name = opts.name ?? basename(path);
  let fh;
  try {
    fh = await open(path, 'r');
  } catch (e) {
    throw new ZipError(`${name}: cannot open (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  const names: string[] = [];
  const memory = new Map<string, Uint8Array>();
  const files = new Map<string, number>();
  const open_ = new Set<string>();
  const fds: number[] = [];
  let failure: ZipError | undefined;
  const fail = (msg: string) => {
    failure ??= new ZipError(`${name}: ${msg}`);
  };

  const unzip = new Unzip((member: UnzipFile) => {
    names.push(member.name);
    const p = plan(member.name);
    if (p === 'skip') return;
    open_.add(member.name);
    let total = 0;
    if ('memory' in p) {
      const parts: Uint8Array[] = [];
      member.ondata = (err, data, final) => {
        if (err) return fail(`${member.name}: ${err.message}`);
        total += data.length;
        if (total > p.memory) return fail(`${member.name}: larger than ${p.memory} bytes`);
        parts.push(data);
        if (final) {
          const all = new Uint8Array(total);
          let o = 0;
          for (const part of parts) {
            all.set(part, o);
            o += part.length;
          }
          memory.set(member.name, all);
          open_.delete(member.name);
        }
      };
    } else {
      let fd: number;
      try {
        fd = openSync(p.file, 'w');
      } catch (e) {
        return fail(`${member.name}: cannot unpack to ${p.file} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
      }
      fds.push(fd);
      member.ondata = (err, data, final) => {
        if (err) return fail(`${member.name}: ${err.message}`);
        if (failure) return;
        total += data.length;
        if (total > p.maxBytes) return fail(`${member.name}: unpacks to more than ${p.maxBytes} bytes`);
        writeSync(fd, data);
        if (final) {
          files.set(member.name, total);
          open_.delete(member.name);
        }
      };
    }
    member.start();
  });
  unzip.register(UnzipInflate);

  try {
    const { size } = await fh.stat();
    const head = new Uint8Array(4);
    await fh.read(head, 0, 4, 0);
    if (size < 22 || head[0] !== 0x50 || head[1] !== 0x4b || head[2] !== 0x03 || head[3] !== 0x04) {
      throw new ZipError(`${name}: not a zip archive`);
    }
    const buf = new Uint8Array(Math.min(CHUNK, size));
    let pos = 0;
    while (pos < size && !failure) {
      const { bytesRead } = await fh.read(buf, 0, Math.min(CHUNK, size - pos), pos);
      if (bytesRead === 0) break;
      pos += bytesRead;
      try {
        // A copy: fflate may keep a reference to the chunk until the next push.
        unzip.push(buf.slice(0, bytesRead), pos >= size);
      } catch (e) {
        const inside = [...open_][0];
        fail(pos >= size ? `truncated or corrupt (${(e as Error).message}${inside ? ` inside ${inside}` : ', the archive ends early'})` : `corrupt archive (${(e as Error).message})`);
      }
      opts.onProgress?.(pos / size);
    }
    if (failure) throw failure;
    if (open_.size) throw new ZipError(`${name}: truncated inside ${[...open_][0]}`);
    if (names.length === 0) throw new ZipError(`${name}: no members (not a zip archive or truncated)`);
    return { names, memory, files };
  } finally {
    for (const fd of fds) closeSync(fd);
    await fh.close();
  }
}
