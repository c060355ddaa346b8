module.exports = {
  ...require('../../jest.preset.js'),
  displayName: 'proton',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
};
