export { createMachine, type Effect, type Machine, type MachineDefinition } from './machine.js';
export {
  createSignInFlow,
  type SignInEvent,
  type SignInFlow,
  type SignInFlowOptions,
  type SignInState,
  signInTransition,
} from './sign-in.js';
export {
  createSignUpFlow,
  generateThrowawayPassword,
  type PasskeyOutcome,
  type SignUpEvent,
  type SignUpFlow,
  type SignUpFlowOptions,
  type SignUpState,
  signUpTransition,
} from './sign-up.js';
export type {
  CodeMode,
  FlowError,
  FlowErrorCode,
  FlowLatchkey,
  UserPoolConfirmSignIn,
  UserPoolSignIn,
  UserPoolSignUp,
} from './user-pool.js';
