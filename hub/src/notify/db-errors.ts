/**
 * PostgreSQL error codes seen through drizzle, which wraps the driver's error (postgres.js and
 * PGlite both carry the SQLSTATE as `code`) in its own with the original as `cause`.
 * @module
 */
function sqlState(error: unknown): string | undefined {
  for (let e = error, depth = 0; e && typeof e === 'object' && depth < 5; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return code;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

/** 23505 unique_violation. */
export const isUniqueViolation = (error: unknown) => sqlState(error) === '23505';
