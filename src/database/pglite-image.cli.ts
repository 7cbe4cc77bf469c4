import { makePgliteImage } from './database';
import { PGLITE_IMAGE } from './pglite-image';

/** Run by `npm run build` (so by the Docker build too) after compiling. */
async function main(): Promise<void> {
  const started = performance.now();
  const outcome = await makePgliteImage();
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  process.stdout.write(
    `PGlite image ${outcome === 'made' ? 'migrated' : 'copied from the cache'} in ${seconds} s: ${PGLITE_IMAGE}\n`,
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`Cannot make the PGlite image: ${String(error)}\n`);
  process.exit(1);
});
