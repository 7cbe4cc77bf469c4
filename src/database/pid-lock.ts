import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';

export class DataDirLockedError extends Error {}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Folders locked by this process: a second open from the same process must be refused too. */
const heldHere = new Set<string>();

/**
 * PGlite lets a second process open the same data folder without complaint and then corrupts
 * it, so a pid file beside it claims the folder for one live process.
 */
export class PidLock {
  private constructor(private readonly file: string) {}

  static acquire(file: string): PidLock {
    if (heldHere.has(file)) {
      throw new DataDirLockedError(`${file} is already held by this process (pid ${process.pid})`);
    }
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        const fd = openSync(file, 'wx');
        writeSync(fd, String(process.pid));
        closeSync(fd);
        heldHere.add(file);
        return new PidLock(file);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
        const holder = Number(readFileSync(file, 'utf8').trim());
        if (Number.isInteger(holder) && holder > 0 && holder !== process.pid && isAlive(holder)) {
          throw new DataDirLockedError(
            `The data folder is in use by process ${holder} (lock file ${file}); stop that process, or use another DATA_DIR or DATABASE_URL`,
          );
        }
        // A stale lock from a process that died: take it over.
        unlinkSync(file);
      }
    }
    throw new DataDirLockedError(`Could not take the lock file ${file}`);
  }

  release(): void {
    heldHere.delete(this.file);
    try {
      unlinkSync(this.file);
    } catch {
      // Already gone: nothing to release.
    }
  }
}
