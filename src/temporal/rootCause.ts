/**
 * The innermost cause of a failure: what really went wrong ("file not found: ..."),
 * not the wrappers Temporal puts around it ("Activity task failed", "Child Workflow
 * execution failed"). Pure: usable in workflow code and in commands alike.
 */
export function rootCauseMessage(error: unknown): string {
  let current: unknown = error;
  // Bounded: a cause chain that loops must not hang a command.
  for (let depth = 0; depth < 32; depth++) {
    const cause = current instanceof Error ? current.cause : undefined;
    if (!(cause instanceof Error)) break;
    current = cause;
  }
  return current instanceof Error ? current.message : String(current);
}
