/**
 * Validation at the edge: every body, query and path parameter goes through a zod schema; a bad
 * one answers 400 naming the field.
 * @module
 */
import { describeIssues } from '@unity/shared';
import type { Context } from 'hono';
import type { z } from 'zod';
import { badRequest } from '../errors.js';

function parse<T extends z.ZodType>(schema: T, value: unknown, where: string): z.infer<T> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw badRequest(`invalid ${where}: ${describeIssues(parsed.error)}`);
  return parsed.data;
}

/** The JSON body, validated; a missing or non-JSON body is a 400 too. */
export async function jsonBody<T extends z.ZodType>(c: Context, schema: T): Promise<z.infer<T>> {
  let body: unknown;
  try {
    body = await c.req.json();
  } catch {
    throw badRequest('request body must be JSON');
  }
  return parse(schema, body, 'body');
}

export const queryOf = <T extends z.ZodType>(c: Context, schema: T): z.infer<T> =>
  parse(schema, c.req.query(), 'query');

export const paramsOf = <T extends z.ZodType>(c: Context, schema: T): z.infer<T> =>
  parse(schema, c.req.param(), 'path');
