/**
 * Reads `read()` every 200 ms until `ok` accepts its value, and returns that value; after
 * `timeoutMs` it throws with the last value read, so a failed wait says what it saw.
 */
export async function until<T>(
  read: () => Promise<T>,
  ok: (value: T) => boolean,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (ok(value)) return value;
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms; last: ${JSON.stringify(value)}`);
    await new Promise((wake) => setTimeout(wake, 200));
  }
}
