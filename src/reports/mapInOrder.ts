/**
 * Maps an async sequence with up to `concurrency` calls in flight, yielding results
 * in input order: the report reads 100k result files without waiting for each in
 * turn, and without holding more than `concurrency` of them at once.
 */
export async function* mapInOrder<T, U>(
  source: AsyncIterable<T>,
  map: (item: T) => Promise<U>,
  concurrency: number,
): AsyncGenerator<U> {
  const inFlight: Array<Promise<U>> = [];
  for await (const item of source) {
    const next = map(item);
    // Marks the rejection handled while it waits its turn; it is rethrown when awaited.
    next.catch(() => undefined);
    inFlight.push(next);
    if (inFlight.length >= concurrency) yield await (inFlight.shift() as Promise<U>);
  }
  while (inFlight.length > 0) yield await (inFlight.shift() as Promise<U>);
}
