module.exports = {
  ...require('../../jest.preset.js'),
  displayName: 'iam',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
};
