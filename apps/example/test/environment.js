// React Native's Jest environment, keeping Node's own fetch for the tests:
// jest-expo replaces `fetch` with Expo's native fetch module (a stub under
// Jest), and these tests talk to a real Latchkey server over HTTP.
const ReactNativeEnv = require('@react-native/jest-preset/jest/react-native-env.js');

module.exports = class LatchkeyTestEnvironment extends ReactNativeEnv {
  constructor(config, context) {
    super(config, context);
    this.global.__NODE_HTTP__ = { fetch, Headers, Request, Response };
  }
};
