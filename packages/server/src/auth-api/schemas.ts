/**
 * Request schemas of the auth API. Binary credential fields are strings here;
 * their base64/base64url decoding happens in the core, which owns the rules.
 */
import { z } from 'zod';
import { AuthError } from '../core/errors.js';
import { ACTION_STATES } from '../core/model.js';

const binary = z.string().max(16_384);
const id = z.string().min(1).max(255);
const optionalText = z.string().max(255).optional();

const extensions = z.record(z.string(), z.unknown()).optional();

export const registrationCredential = z.object({
  id: binary,
  rawId: binary,
  type: z.literal('public-key'),
  authenticatorAttachment: z.string().max(32).optional().nullable(),
  clientExtensionResults: extensions,
  response: z.object({
    clientDataJSON: binary,
    attestationObject: binary,
    transports: z.array(z.string().max(32)).max(16).optional(),
    publicKeyAlgorithm: z.number().int().optional(),
    publicKey: binary.optional(),
    authenticatorData: binary.optional(),
  }),
});

export const authenticationCredential = z.object({
  id: binary,
  rawId: binary,
  type: z.literal('public-key'),
  authenticatorAttachment: z.string().max(32).optional().nullable(),
  clientExtensionResults: extensions,
  response: z.object({
    clientDataJSON: binary,
    authenticatorData: binary,
    signature: binary,
    userHandle: z.string().max(1024).optional().nullable(),
  }),
});

export const clientChallengeBody = z.object({
  action: z.string().optional(),
  idempotencyKey: z.string().min(1).max(255).optional(),
});

export const registrationOptionsBody = z.object({
  username: optionalText,
  displayName: optionalText,
  authenticatorAttachment: z.enum(['platform', 'cross-platform']).optional().nullable(),
});

export const addPasskeyBody = z.object({
  challengeId: id,
  registrationCredential,
  deviceId: optionalText,
  conditionalCreate: z.boolean().optional(),
});

export const authenticationOptionsBody = z.object({ challengeId: id.optional() });

export const verifyPasskeyBody = z.object({
  challengeId: id,
  authenticationCredential,
  deviceId: optionalText,
});

export const enrollEmailBody = z.object({ email: z.string().max(320) });
export const challengeEmailBody = z.object({ userAuthenticatorId: id.optional() });
export const verifyEmailBody = z.object({ verificationCode: z.string().max(32) });

export const trackBody = z.object({
  email: z.string().max(320).optional(),
  phoneNumber: z.string().max(32).optional(),
  username: optionalText,
  scope: z.string().max(255).optional(),
  challengeId: optionalText,
  idempotencyKey: z.string().min(1).max(255).optional(),
  redirectUrl: z.string().max(2048).optional(),
  redirectToSettings: z.boolean().optional(),
  ipAddress: z.string().max(64).optional(),
  userAgent: z.string().max(1024).optional(),
  deviceId: optionalText,
  custom: z.record(z.string(), z.unknown()).optional(),
  locale: z.string().max(35).optional(),
});

export const validateBody = z.object({
  token: z.string().min(1).max(8192),
  userId: id.optional(),
  action: z.string().max(64).optional(),
});

export const updateUserBody = z
  .object({
    email: z.string().max(320).nullable().optional(),
    emailVerified: z.boolean().optional(),
    phoneNumber: z.string().max(32).nullable().optional(),
    phoneNumberVerified: z.boolean().optional(),
    username: z.string().max(255).nullable().optional(),
    displayName: z.string().max(255).nullable().optional(),
    custom: z.record(z.string(), z.unknown()).nullable().optional(),
    locale: z.string().max(35).optional(),
  })
  .strict();

export const enrollAuthenticatorBody = z.object({
  verificationMethod: z.string().max(32),
  email: z.string().max(320).optional(),
  phoneNumber: z.string().max(32).optional(),
  isDefault: z.boolean().optional(),
});

export const updateActionBody = z.object({ state: z.enum(ACTION_STATES as [string, ...string[]]) });

export const queryUsersQuery = z.object({
  email: z.string().max(320).optional(),
  phoneNumber: z.string().max(32).optional(),
  username: z.string().max(255).optional(),
  token: z.string().max(8192).optional(),
  limit: z.coerce.number().int().min(1).max(100).optional(),
  lastEvaluatedUserId: id.optional(),
});

export const challengesQuery = z.object({
  userId: id.optional(),
  action: z.string().max(64).optional(),
  verificationMethod: z.string().max(32).optional(),
  challengeId: id.optional(),
});

/** Parses `value` or throws `invalid_request` naming every bad field. */
export function parse<T extends z.ZodType>(schema: T, value: unknown): z.output<T> {
  const result = schema.safeParse(value ?? {});
  if (result.success) return result.data;
  const details = result.error.issues
    .slice(0, 5)
    .map((issue) => `${issue.path.length ? issue.path.join('.') : 'body'}: ${issue.message}`)
    .join('; ');
  throw new AuthError('invalid_request', `Invalid request. ${details}`);
}

export const eventsQuery = z.object({
  type: z.string().max(64).optional(),
  limit: z.coerce.number().int().min(1).max(200).optional(),
  before: z.coerce.number().int().min(1).optional(),
});
