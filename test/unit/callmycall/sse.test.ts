import { describe, expect, it } from 'vitest';
import { readSseStream, SseParser } from '../../../src/callmycall/sse.js';

async function* chunks(...parts: string[]): AsyncGenerator<Uint8Array> {
  const encoder = new TextEncoder();
  for (const part of parts) yield encoder.encode(part);
}

async function collect(parts: string[]) {
  const out = [];
  for await (const message of readSseStream(chunks(...parts))) out.push(message);
  return out;
}

describe('SSE parsing', () => {
  it('reads the documented added and ping events', async () => {
    const messages = await collect([
      'event: added\ndata: {"role":"assistant","text":"Hello.","seq":1}\n\n',
      'event: ping\ndata: {"ts":1739511142}\n\n',
    ]);
    expect(messages).toEqual([
      { event: 'added', data: '{"role":"assistant","text":"Hello.","seq":1}' },
      { event: 'ping', data: '{"ts":1739511142}' },
    ]);
  });

  it('joins messages split across chunks, even inside a CRLF and a multi-byte character', async () => {
    const encoder = new TextEncoder();
    const bytes = encoder.encode('event: added\r\ndata: {"text":"Hej då"}\r\n\r\n');
    const cut = bytes.indexOf(0xc3) + 1; // in the middle of "å"
    async function* split() {
      yield bytes.slice(0, 13); // ends right after the CR of the first CRLF
      yield bytes.slice(13, cut);
      yield bytes.slice(cut);
    }
    const messages = [];
    for await (const message of readSseStream(split())) messages.push(message);
    expect(messages).toEqual([{ event: 'added', data: '{"text":"Hej då"}' }]);
  });

  it('handles comments, multi-line data, ids, default event names and CR line ends', () => {
    const parser = new SseParser();
    const messages = parser.push(': keep-alive\r\rid: 7\rdata: a\rdata: b\r\rdata:c\n\n');
    expect(messages).toEqual([
      { event: 'message', data: 'a\nb', id: '7' },
      { event: 'message', data: 'c', id: '7' },
    ]);
  });

  it('drops a block without data and an unterminated message at the end', async () => {
    const messages = await collect([
      'event: ping\n\n',
      'event: added\ndata: {"seq":1}\n\n',
      'event: added\ndata: cut',
    ]);
    expect(messages).toEqual([{ event: 'added', data: '{"seq":1}' }]);
  });

  it('strips a leading byte order mark', () => {
    const parser = new SseParser();
    expect(parser.push('\uFEFFevent: ping\ndata: {}\n\n')).toEqual([{ event: 'ping', data: '{}' }]);
  });
});
