import { open, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { ByteSource } from './parquet';

/** A file to check: a local file or an S3 object. */
export interface SourceFile {
  /** How messages name it: its path, or its s3:// URI. */
  readonly name: string;
  readonly size: number;
  open(): Promise<ByteSource>;
}

/** The file at `path`, or every file under the folder at `path` (recursively, in path order). */
export async function listLocalFiles(path: string): Promise<SourceFile[]> {
  const facts = await stat(path);
  if (!facts.isDirectory()) {
    return [localFile(path, facts.size)];
  }
  const files: SourceFile[] = [];
  const entries = await readdir(path, { withFileTypes: true });
  for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    const child = join(path, entry.name);
    if (entry.isDirectory()) {
      files.push(...await listLocalFiles(child));
    } else if (entry.isFile()) {
      files.push(localFile(child, (await stat(child)).size));
    }
  }
  return files;
}

function localFile(path: string, size: number): SourceFile {
  return { name: path, size, open: async () => localBytes(path, size) };
}

async function localBytes(path: string, size: number): Promise<ByteSource> {
  const handle = await open(path, 'r');
  return {
    byteLength: size,
    slice: async (start: number, end = size) => {
      const bytes = new Uint8Array(Math.max(0, end - start));
      const { bytesRead } = await handle.read(bytes, 0, bytes.length, start);
      if (bytesRead !== bytes.length) {
        throw new Error(`read ${bytesRead} bytes of the ${bytes.length} asked for: the file changed while being read`);
      }
      return bytes.buffer;
    },
    close: async () => handle.close(),
  };
}
