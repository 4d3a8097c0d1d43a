import type { Payload, PayloadCodec } from '@temporalio/common';

/**
 * A codec whose keys arrive later: requests wait until ready() hands over the real one.
 * The local stack's codec server must listen before the Temporal dev server starts (the
 * UI is told its URL), while its keys depend on that server's namespace.
 */
export function lateCodec(): { codec: PayloadCodec; ready(codec: PayloadCodec): void } {
  let ready: (codec: PayloadCodec) => void = () => undefined;
  const real = new Promise<PayloadCodec>((resolve) => {
    ready = resolve;
  });
  return {
    codec: {
      encode: async (payloads: Payload[]) => (await real).encode(payloads),
      decode: async (payloads: Payload[]) => (await real).decode(payloads),
    },
    ready,
  };
}
