/** True when `error` (as drizzle wraps it) is a unique violation of the named index. */
export function violates(error: unknown, constraint: string): boolean {
  const cause = (error as { cause?: { code?: string; constraint?: string } }).cause;
  return cause?.code === '23505' && cause.constraint === constraint;
}
