module.exports = {
  ...require('../../jest.preset.js'),
  displayName: 'common',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
};
