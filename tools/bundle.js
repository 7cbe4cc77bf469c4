/**
 * Bundles the compiled service (dist/src/main.js and everything it requires) into dist/main.js:
 * a cold start then reads and compiles one file instead of resolving about two thousand, which
 * takes a third of the start-up CPU and some memory off (`npm run bench:startup`).
 *
 * Left outside the bundle: packages that load files beside themselves (PGlite's wasm and data,
 * Swagger UI's assets), optional peers Nest and terminus only try to require, and pino-pretty
 * (development logs only). Our own files keep their folder: `__dirname` in each still names the
 * folder it was compiled to, where the build put its migrations, pages and image. Whitespace and
 * syntax are minified (a smaller file to read and parse), names are not (logs, OpenAPI schemas).
 */
const { build } = require('esbuild');
const { readFile } = require('node:fs/promises');
const path = require('node:path');

const DIST = path.join(__dirname, '..', 'dist');
const OUT = path.join(DIST, 'main.js');

const EXTERNAL = [
  '@electric-sql/pglite',
  'swagger-ui-dist',
  'pino-pretty',
  'pg-native',
  // Optional peers, required inside try/catch by the packages that may use them.
  '@nestjs/platform-express',
  '@nestjs/microservices',
  '@nestjs/websockets',
  '@nestjs/typeorm',
  '@nestjs/mongoose',
  '@nestjs/sequelize',
  '@mikro-orm/core',
  '@fastify/view',
  'class-transformer/storage',
];

/** `__dirname` in our compiled files, pointed back at their own folder beside the bundle. */
const ownDirname = {
  name: 'own-dirname',
  setup(plugin) {
    plugin.onLoad({ filter: /[\\/]dist[\\/](src|emulator)[\\/].*\.js$/ }, async (args) => {
      const source = await readFile(args.path, 'utf8');
      const folder = path.relative(path.dirname(OUT), path.dirname(args.path));
      const replaced = source.replace(
        /\b__dirname\b/g,
        `require("node:path").join(__dirname, ${JSON.stringify(folder)})`,
      );
      return { contents: replaced, loader: 'js' };
    });
  },
};

build({
  entryPoints: [path.join(DIST, 'src', 'main.js')],
  outfile: OUT,
  bundle: true,
  // Nest and Swagger name things after classes (log contexts, schemas): never renamed.
  keepNames: true,
  minifyWhitespace: true,
  minifySyntax: true,
  platform: 'node',
  target: 'node20',
  external: EXTERNAL.flatMap((name) => [name, `${name}/*`]),
  plugins: [ownDirname],
  logLevel: 'warning',
}).catch(() => process.exit(1));
