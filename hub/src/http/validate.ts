/**
 * Validation at the edge: every body, query and path parameter goes through a zod schema; a bad
 * one answers 400 naming the field.
 * @module
 */
import { describeIssues } from '@unity/shared';
import type { Context } from 'hono';
import { z } from 'zod';
import { badRequest } from '../errors.js';

function parse<T extends z.core.$ZodType>(schema: T, value: unknown, where: string): z.infer<T> {
  // z.safeParse, not schema.safeParse: the protocol's schemas are zod/mini ones (see @unity/shared).
  const parsed = z.safeParse(schema, value);
  if (!parsed.success) throw badRequest(`invalid ${where}: ${describeIssues(parsed.error)}`);
  return parsed.data;
}

/** The JSON body, validated; a missing or non-JSON body is a 400 too. */
export async function jsonBody<T extends z.core.$ZodType>(c: Context, schema: T): Promise<z.infer<T>> {
  let body: unknown;
  try {
    body = await c.req.json();
  } catch {
    throw badRequest('request body must be JSON');
  }
  return parse(schema, body, 'body');
}

export const queryOf = <T extends z.core.$ZodType>(c: Context, schema: T): z.infer<T> =>
  parse(schema, c.req.query(), 'query');

export const paramsOf = <T extends z.core.$ZodType>(c: Context, schema: T): z.infer<T> =>
  parse(schema, c.req.param(), 'path');
