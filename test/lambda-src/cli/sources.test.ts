import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeFile } from './parquet-fixtures';
import { listLocalFiles } from '../../../lambda-src/cli/sources';

let folder: string;

beforeAll(() => {
  folder = mkdtempSync(join(tmpdir(), 'cli-sources-'));
  writeFile(join(folder, 'b', 'part-1'), 'second');
  writeFile(join(folder, 'a.parquet'), 'first');
  writeFile(join(folder, 'b', 'c', 'part-2'), 'third!');
  writeFile(join(folder, 'empty', '.keep'), '');
  symlinkSync(join(folder, 'a.parquet'), join(folder, 'link'));
});

afterAll(() => {
  rmSync(folder, { recursive: true, force: true });
});

describe('listLocalFiles', () => {
  test('lists every file under a folder, recursively, in path order, with sizes; links are not followed', async () => {
    const files = await listLocalFiles(folder);

    expect(files.map((file) => [file.name.slice(folder.length + 1), file.size])).toEqual([
      ['a.parquet', 5],
      ['b/c/part-2', 6],
      ['b/part-1', 6],
      ['empty/.keep', 0],
    ]);
  });

  test('lists a file given by its path as itself', async () => {
    const path = join(folder, 'b', 'part-1');

    expect((await listLocalFiles(path)).map((file) => [file.name, file.size])).toEqual([[path, 6]]);
  });

  test('reads slices of a file, and refuses a slice past its end', async () => {
    const [file] = await listLocalFiles(join(folder, 'b', 'c', 'part-2'));
    const bytes = await file.open();
    try {
      expect(Buffer.from(await bytes.slice(0, 5)).toString()).toBe('third');
      expect(Buffer.from(await bytes.slice(2)).toString()).toBe('ird!');
      expect((await bytes.slice(3, 3)).byteLength).toBe(0);
      await expect(bytes.slice(4, 10)).rejects.toThrow('read 2 bytes of the 6 asked for: the file changed while being read');
    } finally {
      await bytes.close();
    }
  });

  test('fails on a path that does not exist', async () => {
    await expect(listLocalFiles(join(folder, 'missing'))).rejects.toThrow(/ENOENT/);
  });
});
