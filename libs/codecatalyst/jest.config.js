module.exports = {
  ...require('../../jest.preset.js'),
  displayName: 'codecatalyst',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
};
