import { z } from 'zod';
import { PoolError } from '../core/errors.js';
import type { PoolContext } from './context.js';

/** Who may call an operation (Cognito's auth classes). */
export type OperationAuth = 'public' | 'token' | 'admin';

/** One Cognito action: its input schema and handler. Handlers throw {@link PoolError}. */
export interface Operation<S extends z.ZodType = z.ZodType> {
  name: string;
  auth: OperationAuth;
  input: S;
  handle(ctx: PoolContext, input: z.output<S>, meta: { ipAddress: string | null }): Promise<object>;
}

export function defineOperation<S extends z.ZodType>(operation: Operation<S>): Operation<S> {
  return operation;
}

/** Parses input, reporting problems the way AWS validation errors read. */
export function parseInput<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const result = schema.safeParse(value ?? {});
  if (result.success) return result.data;
  const issues = result.error.issues;
  const details = issues
    .slice(0, 5)
    .map(
      (issue) =>
        `Value at '${issue.path.join('.') || 'input'}' failed to satisfy constraint: ${issue.message}`,
    )
    .join('; ');
  throw new PoolError(
    'InvalidParameterException',
    `${issues.length} validation error${issues.length === 1 ? '' : 's'} detected: ${details}`,
  );
}

/** The app client, or ResourceNotFoundException as Cognito answers for an unknown one. */
export function requireClient(ctx: PoolContext, clientId: string) {
  const client = ctx.config.clients.find((c) => c.id === clientId);
  if (!client)
    throw new PoolError('ResourceNotFoundException', `User pool client ${clientId} does not exist.`);
  return client;
}

/** Admin operations name the pool; another pool id is not ours. */
export function requirePool(ctx: PoolContext, userPoolId: string): void {
  if (userPoolId !== ctx.config.id)
    throw new PoolError('ResourceNotFoundException', `User pool ${userPoolId} does not exist.`);
}

export const clientId = z.string().min(1).max(128);
export const username = z.string().min(1).max(128);
export const attributeList = z
  .array(z.object({ Name: z.string().min(1).max(32), Value: z.string().max(2048) }))
  .max(50);
export const clientMetadata = z.record(z.string(), z.string()).optional();
export const userPoolId = z.string().min(1).max(55);
