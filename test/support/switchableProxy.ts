import { type AddressInfo, createServer, Socket } from 'node:net';

/**
 * A TCP proxy in front of a real server that can be switched off and on, to see what a
 * client does while the server behind it is unreachable and after it comes back.
 * Switched off, it drops every open connection and refuses new ones.
 */
export interface SwitchableProxy {
  address: string;
  setReachable(reachable: boolean): void;
  close(): Promise<void>;
}

export async function startSwitchableProxy(target: string): Promise<SwitchableProxy> {
  const [targetHost = '127.0.0.1', targetPort = '0'] = target.split(':');
  let reachable = true;
  const open = new Set<Socket>();
  const server = createServer((client) => {
    if (!reachable) return void client.destroy();
    const upstream = new Socket();
    open.add(client).add(upstream);
    const drop = () => {
      client.destroy();
      upstream.destroy();
      open.delete(client);
      open.delete(upstream);
    };
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
    upstream.connect(Number(targetPort), targetHost, () => {
      client.pipe(upstream).pipe(client);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    address: `127.0.0.1:${port}`,
    setReachable(value) {
      reachable = value;
      if (!value) for (const socket of open) socket.destroy();
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of open) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
