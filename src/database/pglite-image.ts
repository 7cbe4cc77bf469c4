import { createHash } from 'node:crypto';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join } from 'node:path';

export const MIGRATIONS_FOLDER = join(__dirname, 'migrations');

/**
 * A migrated PGlite data folder made by `npm run build`: a first start on an empty DATA_DIR copies
 * it instead of running initdb and every migration (about 3× the CPU and twice the memory).
 */
export const PGLITE_IMAGE = join(__dirname, 'pglite-image');

/** What the image was made from: the migrations and the PGlite (hence PostgreSQL) version. */
export function migrationsFingerprint(folder = MIGRATIONS_FOLDER): string {
  const pglite = join(dirname(require.resolve('@electric-sql/pglite')), '..', 'package.json');
  const hash = createHash('sha256').update(
    (JSON.parse(readFileSync(pglite, 'utf8')) as { version: string }).version,
  );
  const journal = join('meta', '_journal.json');
  const files = readdirSync(folder).filter((file) => file.endsWith('.sql'));
  for (const file of [journal, ...files.sort()]) {
    hash.update(file).update(readFileSync(join(folder, file)));
  }
  return hash.digest('hex').slice(0, 16);
}

const imageData = (image: string) => join(image, 'pglite');
const imageFingerprint = (image: string) => join(image, 'fingerprint');

/** An image is used only when made from exactly these migrations; anything else migrates anew. */
export function imageIsCurrent(image: string, fingerprint = migrationsFingerprint()): boolean {
  try {
    return readFileSync(imageFingerprint(image), 'utf8').trim() === fingerprint;
  } catch {
    return false;
  }
}

/**
 * Seeds a PGlite folder that does not exist yet from a current image; false when there is none.
 * Copied aside and renamed, so a start that dies mid-copy leaves no half folder behind.
 */
export function seedFromImage(folder: string, image: string): boolean {
  if (existsSync(folder) || !imageIsCurrent(image)) return false;
  const seeding = `${folder}.seeding-${process.pid}`;
  rmSync(seeding, { recursive: true, force: true });
  cpSync(imageData(image), seeding, { recursive: true });
  renameSync(seeding, folder);
  return true;
}

/**
 * Writes `image` from a migrated data folder that `migrate(folder)` makes; the fingerprint goes
 * last, so an interrupted build leaves a stale image, never a wrong one. A finished image is kept
 * under `cache` (per fingerprint), so builds that change no migration skip the migrating.
 */
export async function writeImage(
  image: string,
  cache: string,
  migrate: (dataDir: string) => Promise<void>,
): Promise<'cached' | 'made'> {
  const fingerprint = migrationsFingerprint();
  const cached = join(cache, fingerprint);
  let outcome: 'cached' | 'made' = 'cached';
  if (!imageIsCurrent(cached, fingerprint)) {
    outcome = 'made';
    mkdirSync(cache, { recursive: true });
    const building = mkdtempSync(join(cache, 'building-'));
    try {
      await migrate(building);
      writeFileSync(imageFingerprint(building), fingerprint);
      rmSync(cached, { recursive: true, force: true });
      renameSync(building, cached);
    } finally {
      rmSync(building, { recursive: true, force: true });
    }
  }
  rmSync(image, { recursive: true, force: true });
  cpSync(imageData(cached), imageData(image), { recursive: true });
  writeFileSync(imageFingerprint(image), fingerprint);
  return outcome;
}
