import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { Database } from '../../src/database/database';
import { migrationsFingerprint, seedFromImage } from '../../src/database/pglite-image';
import { pgliteTemplateDir } from '../support/test-db';

/** An image as the build makes it, with a table no migration creates, to tell where data came from. */
async function markedImage(fingerprint: string): Promise<string> {
  const image = mkdtempSync(join(tmpdir(), 'mp-image-'));
  cpSync(pgliteTemplateDir(), image, { recursive: true });
  const database = await Database.open({ kind: 'pglite', dataDir: image, image: null });
  await database.db.execute(sql`CREATE TABLE made_by_the_image (id int)`);
  await database.close();
  writeFileSync(join(image, 'fingerprint'), fingerprint);
  return image;
}

async function hasMarker(database: Database): Promise<boolean> {
  const result = await database.db.execute(sql`SELECT to_regclass('made_by_the_image') AS marker`);
  return (result as { rows: { marker: string | null }[] }).rows[0].marker !== null;
}

describe('A first start on PGlite', () => {
  const folders: string[] = [];
  const tempDir = (prefix: string) => {
    const dir = mkdtempSync(join(tmpdir(), prefix));
    folders.push(dir);
    return dir;
  };
  let image: string;
  beforeAll(async () => {
    image = await markedImage(migrationsFingerprint());
    folders.push(image);
  });
  afterAll(() => folders.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

  it('should copy an empty data folder from an image of the current migrations', async () => {
    const database = await Database.open({ kind: 'pglite', dataDir: tempDir('mp-empty-'), image });
    expect(database.seededFromImage).toBe(true);
    expect(await database.isReady()).toEqual({ reachable: true, migrated: true });
    expect(await hasMarker(database)).toBe(true);
    await database.close();
  });

  // Turned down, the start runs initdb and every migration from zero, as the test template does.
  it('should not use an image of other migrations', () => {
    const stale = tempDir('mp-stale-image-');
    cpSync(image, stale, { recursive: true });
    writeFileSync(join(stale, 'fingerprint'), '0000000000000000');
    const folder = join(tempDir('mp-empty-'), 'pglite');
    expect(seedFromImage(folder, stale)).toBe(false);
    expect(existsSync(folder)).toBe(false);
  });

  it('should leave a folder that already exists as it is', () => {
    const folder = join(tempDir('mp-existing-'), 'pglite');
    mkdirSync(folder);
    expect(seedFromImage(folder, image)).toBe(false);
    expect(readdirSync(folder)).toEqual([]);
  });
});
