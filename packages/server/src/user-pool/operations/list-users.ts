import { z } from 'zod';
import { PoolError } from '../../core/errors.js';
import type { PoolUserFilter } from '../../core/pool-model.js';
import { userType } from '../admin.js';
import { defineOperation, requirePool, userPoolId } from '../operation.js';

/** `attr = "value"` or `attr ^= "value"`; the attribute may be quoted. */
const FILTER = /^\s*"?([\w:]+)"?\s*(\^?=)\s*"((?:[^"\\]|\\.)*)"\s*$/;

export function parseFilter(filter: string): PoolUserFilter {
  const match = FILTER.exec(filter);
  if (!match) throw new PoolError('InvalidParameterException', 'Error while parsing filter.');
  const [, attribute = '', operator, value = ''] = match;
  return { attribute, operator: operator === '^=' ? '^=' : '=', value: value.replace(/\\(.)/g, '$1') };
}

function encodeToken(sub: string): string {
  return Buffer.from(JSON.stringify({ after: sub })).toString('base64url');
}

function decodeToken(token: string): string {
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { after?: unknown };
    if (typeof parsed.after === 'string') return parsed.after;
  } catch {
    // fall through
  }
  throw new PoolError('InvalidParameterException', 'Invalid pagination token.');
}

export const listUsers = defineOperation({
  name: 'ListUsers',
  auth: 'admin',
  input: z.object({
    UserPoolId: userPoolId,
    AttributesToGet: z.array(z.string()).optional(),
    Limit: z.number().int().min(1).max(60).optional(),
    PaginationToken: z.string().max(1024).optional(),
    Filter: z.string().max(256).optional(),
  }),
  async handle(ctx, input) {
    requirePool(ctx, input.UserPoolId);
    const limit = input.Limit ?? 60;
    let filter = input.Filter?.trim() ? parseFilter(input.Filter) : undefined;
    // `status` filters on Enabled/Disabled, which the store cannot index; filter it here.
    let enabled: boolean | undefined;
    if (filter?.attribute === 'status') {
      if (filter.operator !== '=' || !['Enabled', 'Disabled'].includes(filter.value)) {
        throw new PoolError(
          'InvalidParameterException',
          'status filter must be status = "Enabled" or "Disabled".',
        );
      }
      enabled = filter.value === 'Enabled';
      filter = undefined;
    }
    const users = [];
    let after = input.PaginationToken ? decodeToken(input.PaginationToken) : undefined;
    let more = true;
    while (users.length <= limit && more) {
      const page = await ctx.store.listPoolUsers(ctx.config.id, {
        limit: limit + 1,
        ...(filter ? { filter } : {}),
        ...(after !== undefined ? { afterSub: after } : {}),
      });
      more = page.length === limit + 1;
      for (const user of page) if (enabled === undefined || user.enabled === enabled) users.push(user);
      after = page.at(-1)?.sub;
      if (enabled === undefined) break;
    }
    const pageUsers = users.slice(0, limit);
    const last = pageUsers.at(-1);
    return {
      Users: pageUsers.map((u) => userType(u, input.AttributesToGet)),
      ...(users.length > limit && last ? { PaginationToken: encodeToken(last.sub) } : {}),
    };
  },
});
