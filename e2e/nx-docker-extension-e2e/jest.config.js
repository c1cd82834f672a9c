// End-to-end: each suite creates a workspace in a temp folder, installs dist/nx-docker-extension-<version>.tgz
// there, and runs nx as a user would. Run `npm run package` first (npm run test:e2e does).
/** @type {import('jest').Config} */
module.exports = {
  displayName: 'e2e',
  rootDir: __dirname,
  testEnvironment: 'node',
  testMatch: ['<rootDir>/src/**/*.test.ts'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.json' }],
  },
  testTimeout: 900000,
};
