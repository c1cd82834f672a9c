// Integration tests: need the real Docker engine and registries from tools/docker-engine/up.sh.
/** @type {import('jest').Config} */
module.exports = {
  displayName: 'integration',
  rootDir: __dirname,
  testEnvironment: 'node',
  // The test bed proves itself from tools/docker-engine/test.
  roots: ['<rootDir>/src', '<rootDir>/../../tools/docker-engine/test'],
  testMatch: ['**/*.itg.test.ts'],
  testPathIgnorePatterns: ['/files/'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.spec.json' }],
  },
  moduleFileExtensions: ['ts', 'js', 'json'],
  testTimeout: 300000,
};
