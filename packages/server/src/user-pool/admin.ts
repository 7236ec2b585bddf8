import type { PoolUser } from '../core/pool-model.js';
import { attributeList } from './users.js';

/** Epoch seconds with a fraction, as the AWS JSON protocol sends timestamps. */
export const epochSeconds = (date: Date) => date.getTime() / 1000;

/** A user as admin operations and ListUsers describe one (`UserType`). */
export function userType(user: PoolUser, only?: readonly string[]) {
  const attributes = attributeList(user).filter((a) => !only || only.includes(a.Name));
  return {
    Username: user.sub,
    Attributes: attributes,
    UserCreateDate: epochSeconds(user.createdAt),
    UserLastModifiedDate: epochSeconds(user.updatedAt),
    Enabled: user.enabled,
    UserStatus: user.status,
  };
}
