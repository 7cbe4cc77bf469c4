/** @type {import('jest').Config} */
const swcTs = {
  jsc: {
    parser: { syntax: 'typescript', decorators: true },
    transform: { legacyDecorator: true, decoratorMetadata: true },
    target: 'es2022',
  },
  module: { type: 'commonjs' },
};
// PGlite's CommonJS build loads node built-ins with `await import()`, which jest's VM cannot run
// without a flag; compiling those dynamic imports to require() keeps jest flag-free.
const swcPglite = {
  jsc: { parser: { syntax: 'ecmascript' }, target: 'es2022' },
  module: { type: 'commonjs', ignoreDynamic: false },
};

const project = (name, roots, testPathIgnorePatterns = []) => ({
  displayName: name,
  roots,
  testPathIgnorePatterns,
  globals: { TEST_DB: name },
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  testEnvironment: 'node',
  testRegex: '\\.(spec|e2e-spec)\\.ts$',
  transform: {
    '^.+\\.ts$': ['@swc/jest', swcTs],
    '/@electric-sql/pglite/dist/.+\\.c?js$': ['@swc/jest', swcPglite],
  },
  transformIgnorePatterns: ['/node_modules/(?!@electric-sql/pglite/)'],
  moduleFileExtensions: ['ts', 'js', 'cjs', 'json'],
  setupFiles: ['reflect-metadata'],
});

// npm test runs everything on PGlite, and on PostgreSQL too when DATABASE_URL is set.
module.exports = {
  projects: [
    // Several instances on one database need PostgreSQL.
    project(
      'pglite',
      ['<rootDir>/src', '<rootDir>/emulator', '<rootDir>/test'],
      [
        '/test/credentials/credentials-startup-race',
        '/test/foundation/access-across-instances',
        '/test/events/multi-instance',
        '/test/payments/sweep-instances',
      ],
    ),
    // The emulator and pure unit specs touch no database: once is enough; PGlite's own start-up
    // image and statements have nothing to prove on PostgreSQL.
    ...(process.env.DATABASE_URL
      ? [project('postgres', ['<rootDir>/test'], ['/test/emulator/', '/test/foundation/pglite-'])]
      : []),
  ],
  testTimeout: 60000,
};
