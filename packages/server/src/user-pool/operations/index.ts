import type { Operation } from '../operation.js';
import { adminCreateUser } from './admin-create-user.js';
import { adminDeleteUser } from './admin-delete-user.js';
import { adminDisableUser } from './admin-disable-user.js';
import { adminEnableUser } from './admin-enable-user.js';
import { adminGetUser } from './admin-get-user.js';
import { adminUpdateUserAttributes } from './admin-update-user-attributes.js';
import { confirmSignUp } from './confirm-sign-up.js';
import { deleteUser } from './delete-user.js';
import { getTokensFromRefreshToken } from './get-tokens-from-refresh-token.js';
import { getUser } from './get-user.js';
import { globalSignOut } from './global-sign-out.js';
import { initiateAuth } from './initiate-auth.js';
import { listUsers } from './list-users.js';
import { resendConfirmationCode } from './resend-confirmation-code.js';
import { respondToAuthChallenge } from './respond-to-auth-challenge.js';
import { revokeToken } from './revoke-token.js';
import { signUp } from './sign-up.js';
import { updateUserAttributes } from './update-user-attributes.js';

/** Every supported operation by its `X-Amz-Target` name. */
export const OPERATIONS: ReadonlyMap<string, Operation> = new Map(
  (
    [
      signUp,
      confirmSignUp,
      resendConfirmationCode,
      initiateAuth,
      respondToAuthChallenge,
      getTokensFromRefreshToken,
      getUser,
      updateUserAttributes,
      deleteUser,
      globalSignOut,
      revokeToken,
      adminGetUser,
      adminCreateUser,
      adminUpdateUserAttributes,
      adminDeleteUser,
      adminDisableUser,
      adminEnableUser,
      listUsers,
    ] as Operation[]
  ).map((operation) => [operation.name, operation]),
);
