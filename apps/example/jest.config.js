// Jest with jest-expo (iOS platform files, React Native's test renderer).
/** @type {import('jest').Config} */
module.exports = {
  preset: 'jest-expo',
  testMatch: ['<rootDir>/src/**/*.test.ts?(x)', '<rootDir>/test/**/*.test.ts?(x)'],
  // The workspace packages import TypeScript sources as `./x.js` (Node ESM style).
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  // Transform the ESM that React Native, Expo, Amplify and the SDKs ship.
  transformIgnorePatterns: [
    'node_modules/(?!((jest-)?react-native|@react-native(-community)?|@react-native-async-storage|expo(nent)?|@expo(nent)?/|expo-modules-core|@simplewebauthn/|aws-amplify|@aws-amplify/|@levischuck/|uuid/|@smithy/|@aws-crypto/|@aws-sdk/|js-cookie/))',
  ],
  testEnvironment: '<rootDir>/test/environment.js',
  setupFiles: ['<rootDir>/test/setup.ts'],
  globalSetup: '<rootDir>/test/global-setup.ts',
  globalTeardown: '<rootDir>/test/global-teardown.ts',
  testTimeout: 30_000,
};
