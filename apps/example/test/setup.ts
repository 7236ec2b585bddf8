/**
 * Native modules, mocked at their JavaScript boundary (the only mocks in
 * these tests): react-native-passkey over a software authenticator,
 * expo-secure-store in memory, and Amplify's React Native storage and
 * network modules with the mocks their packages ship.
 */
jest.mock('react-native-passkey', () => require('./native-passkey'));
jest.mock('expo-secure-store', () => require('./secure-store'));
jest.mock('@react-native-async-storage/async-storage', () => {
  const mock = require('@react-native-async-storage/async-storage/jest/async-storage-mock');
  return { __esModule: true, default: mock, ...mock };
});
jest.mock('@react-native-community/netinfo', () =>
  require('@react-native-community/netinfo/jest/netinfo-mock'),
);

// The network is real: Node's fetch instead of Expo's native fetch module (see environment.js).
const http = (globalThis as unknown as { __NODE_HTTP__: Record<string, unknown> }).__NODE_HTTP__;
for (const [name, value] of Object.entries(http)) {
  Object.defineProperty(globalThis, name, { value, writable: true, configurable: true });
}
