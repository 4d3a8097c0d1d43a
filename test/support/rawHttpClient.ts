import { connect, type Socket } from 'node:net';

/**
 * A bare TCP client for what fetch cannot do: send a request byte by byte, stop in the
 * middle of a body, and see when (and whether) the server closes the connection.
 */
export interface RawConnection {
  socket: Socket;
  /** Everything the server sent so far. */
  received(): string;
  /** Resolves with the ms from connect to close, whoever closed it. */
  closed: Promise<number>;
  /** Resolves once the server's bytes contain `text`. */
  waitFor(text: string, timeoutMs: number): Promise<void>;
  /** Writes `chunk` every `everyMs` until the socket closes; stops on close. */
  drip(chunk: string, everyMs: number): void;
  /** True while the socket is open. */
  isOpen(): boolean;
}

export function openRaw(url: string): Promise<RawConnection> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const socket = connect({ host: hostname, port: Number(port) });
    let data = '';
    let open = true;
    const listeners = new Set<() => void>();
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      data += chunk;
      for (const listener of listeners) listener();
    });
    // The server resetting the connection is one of the outcomes we look for.
    socket.on('error', () => {});
    const closed = new Promise<number>((done) =>
      socket.once('close', () => {
        open = false;
        for (const listener of listeners) listener();
        done(Date.now() - started);
      }),
    );
    socket.once('connect', () =>
      resolve({
        socket,
        received: () => data,
        closed,
        isOpen: () => open,
        waitFor: (text, timeoutMs) =>
          new Promise<void>((done, fail) => {
            const check = () => {
              if (data.includes(text)) finish(done);
              else if (!open)
                finish(() => fail(new Error(`closed before "${text}"; got ${JSON.stringify(data)}`)));
            };
            const timer = setTimeout(
              () =>
                finish(() =>
                  fail(new Error(`no "${text}" within ${timeoutMs} ms; got ${JSON.stringify(data)}`)),
                ),
              timeoutMs,
            );
            const finish = (then: () => void) => {
              clearTimeout(timer);
              listeners.delete(check);
              then();
            };
            listeners.add(check);
            check();
          }),
        drip: (chunk, everyMs) => {
          const timer = setInterval(() => {
            if (open && socket.writable) socket.write(chunk);
          }, everyMs);
          void closed.then(() => clearInterval(timer));
        },
      }),
    );
    socket.once('error', reject);
  });
}

/** Resolves with the close time, or with `undefined` if the socket is still open after `withinMs`. */
export function closedWithin(connection: RawConnection, withinMs: number): Promise<number | undefined> {
  return Promise.race([
    connection.closed,
    new Promise<undefined>((done) => setTimeout(() => done(undefined), withinMs)),
  ]);
}
