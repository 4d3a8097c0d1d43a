/**
 * A Server-Sent Events parser (the WHATWG "event stream interpretation" rules), used
 * for GET /v1/calls/:id/transcripts/stream. It is a few dozen lines, so no package.
 */
export interface SseMessage {
  /** `message` when the server sent no `event:` field. */
  event: string;
  data: string;
  id?: string;
}

/** Feeds decoded text in, gets complete messages out; keeps partial lines between chunks. */
export class SseParser {
  #buffer = '';
  #event = '';
  #data: string[] = [];
  #hasData = false;
  #lastEventId: string | undefined;
  #sawFirstChunk = false;

  push(text: string): SseMessage[] {
    let chunk = text;
    if (!this.#sawFirstChunk && chunk.length > 0) {
      this.#sawFirstChunk = true;
      if (chunk.startsWith('\uFEFF')) chunk = chunk.slice(1);
    }
    this.#buffer += chunk;
    const messages: SseMessage[] = [];
    // Lines end in CRLF, LF or CR; a CR at the very end may be the first half of a CRLF.
    for (;;) {
      const match = /\r\n|\n|\r/.exec(this.#buffer);
      if (!match) break;
      if (match[0] === '\r' && match.index === this.#buffer.length - 1) break;
      const line = this.#buffer.slice(0, match.index);
      this.#buffer = this.#buffer.slice(match.index + match[0].length);
      const message = this.#line(line);
      if (message) messages.push(message);
    }
    return messages;
  }

  /**
   * End of stream: a held trailing CR still ends its line, then any message not yet
   * terminated by a blank line is dropped, as the spec requires.
   */
  end(): SseMessage[] {
    const messages: SseMessage[] = [];
    if (this.#buffer.endsWith('\r')) {
      const message = this.#line(this.#buffer.slice(0, -1));
      if (message) messages.push(message);
    }
    this.#buffer = '';
    this.#resetMessage();
    return messages;
  }

  #line(line: string): SseMessage | undefined {
    if (line === '') return this.#dispatch();
    if (line.startsWith(':')) return undefined;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    switch (field) {
      case 'event':
        this.#event = value;
        break;
      case 'data':
        this.#data.push(value);
        this.#hasData = true;
        break;
      case 'id':
        if (!value.includes('\0')) this.#lastEventId = value;
        break;
      default:
        break;
    }
    return undefined;
  }

  #dispatch(): SseMessage | undefined {
    if (!this.#hasData) {
      this.#resetMessage();
      return undefined;
    }
    const message: SseMessage = { event: this.#event || 'message', data: this.#data.join('\n') };
    if (this.#lastEventId !== undefined) message.id = this.#lastEventId;
    this.#resetMessage();
    return message;
  }

  #resetMessage(): void {
    this.#event = '';
    this.#data = [];
    this.#hasData = false;
  }
}

/** Reads an SSE byte stream to its end, yielding each complete message. */
export async function* readSseStream(body: AsyncIterable<Uint8Array>): AsyncGenerator<SseMessage> {
  const decoder = new TextDecoder('utf-8');
  const parser = new SseParser();
  for await (const bytes of body) {
    yield* parser.push(decoder.decode(bytes, { stream: true }));
  }
  yield* parser.push(decoder.decode());
  yield* parser.end();
}
