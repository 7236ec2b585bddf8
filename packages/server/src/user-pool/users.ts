import { createHmac } from 'node:crypto';
import { PoolError } from '../core/errors.js';
import type { PoolUser } from '../core/pool-model.js';
import type { PoolContext } from './context.js';

export interface AttributeType {
  Name: string;
  Value: string;
}

/** Standard attributes a client may set; `sub` and `email_verified` are the pool's. */
const STANDARD = new Set([
  'address',
  'birthdate',
  'email',
  'family_name',
  'gender',
  'given_name',
  'locale',
  'middle_name',
  'name',
  'nickname',
  'phone_number',
  'picture',
  'preferred_username',
  'profile',
  'updated_at',
  'website',
  'zoneinfo',
]);

const EMAIL = /^[^\s@]{1,64}@[^\s@]{1,189}$/;

/** Looks a user up by what a client calls its username: the email alias or the sub. */
export async function findUser(ctx: PoolContext, username: string): Promise<PoolUser | null> {
  if (username.includes('@')) return ctx.store.findPoolUserByEmail(ctx.config.id, username);
  return ctx.store.getPoolUser(ctx.config.id, username);
}

/** As {@link findUser}, or UserNotFoundException. */
export async function requireUser(ctx: PoolContext, username: string): Promise<PoolUser> {
  const user = await findUser(ctx, username);
  if (!user) throw new PoolError('UserNotFoundException', 'User does not exist.');
  return user;
}

/** The user's attributes as Cognito lists them. */
export function attributeList(user: PoolUser): AttributeType[] {
  const list: AttributeType[] = [{ Name: 'sub', Value: user.sub }];
  if (user.email !== null) {
    list.push(
      { Name: 'email', Value: user.email },
      { Name: 'email_verified', Value: String(user.emailVerified) },
    );
  }
  for (const [Name, Value] of Object.entries(user.attributes)) list.push({ Name, Value });
  return list;
}

/** Attributes as triggers receive them (`request.userAttributes`). */
export function attributeMap(user: PoolUser): Record<string, string> {
  const map: Record<string, string> = { sub: user.sub };
  for (const { Name, Value } of attributeList(user)) map[Name] = Value;
  map['cognito:user_status'] = user.status;
  if (user.email !== null) map['cognito:email_alias'] = user.email;
  return map;
}

export interface ParsedAttributes {
  email?: string;
  emailVerified?: boolean;
  attributes: Record<string, string>;
}

/**
 * Validates client-supplied attributes. `email_verified` is accepted only when
 * `allowVerified` (admin calls); `sub` is never writable.
 */
export function parseAttributes(
  list: readonly AttributeType[],
  { allowVerified }: { allowVerified: boolean },
): ParsedAttributes {
  const parsed: ParsedAttributes = { attributes: {} };
  for (const { Name, Value } of list) {
    if (Name === 'email') {
      if (!EMAIL.test(Value))
        throw new PoolError('InvalidParameterException', 'Invalid email address format.');
      parsed.email = Value;
    } else if (Name === 'email_verified' && allowVerified) {
      if (Value !== 'true' && Value !== 'false') {
        throw new PoolError('InvalidParameterException', 'email_verified must be "true" or "false".');
      }
      parsed.emailVerified = Value === 'true';
    } else if (STANDARD.has(Name) || /^custom:[\w.:-]{1,20}$/.test(Name)) {
      if (Value.length > 2048) throw new PoolError('InvalidParameterException', `${Name} is too long.`);
      parsed.attributes[Name] = Value;
    } else {
      throw new PoolError('InvalidParameterException', `Attribute does not exist in the schema: ${Name}`);
    }
  }
  return parsed;
}

/** `j***@e***` as Cognito masks delivery destinations. */
export function maskEmail(email: string): string {
  const [local = '', domain = ''] = email.split('@');
  return `${local.slice(0, 1)}***@${domain.slice(0, 1)}***`;
}

/**
 * A stable, unguessable UUID-shaped username for an unknown user, so that
 * responses for unknown and known users look alike (preventUserExistenceErrors).
 */
export function phantomUsername(ctx: PoolContext, username: string): string {
  const hex = createHmac('sha256', ctx.phantomKey)
    .update(`${ctx.config.id}:${username.toLowerCase()}`)
    .digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${((Number.parseInt(hex.slice(16, 17), 16) & 3) | 8).toString(16)}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
