// Unit tests of the load tester's pure parts (options, statistics, the audit's rules, the report).
// Its scenarios run against the real stack in apps/api-e2e (loadtest.e2e.spec.ts).
module.exports = {
  ...require('../../jest.preset.js'),
  displayName: 'loadtest',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
};
