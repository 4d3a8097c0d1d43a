import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable, Writable } from 'node:stream';

/** The Chromium binary to test with: $CHROMIUM_PATH, or the usual install paths. */
export function findChromium(): string | undefined {
  const candidates = [
    process.env.CHROMIUM_PATH,
    '/usr/bin/chromium',
    '/usr/bin/chromium-browser',
    '/usr/bin/google-chrome',
  ];
  return candidates.find((path): path is string => path !== undefined && path !== '' && existsSync(path));
}

/** Flags for a quiet, isolated headless run: no sandbox (containers), no calls home. */
export function chromiumFlags(userDataDir: string): string[] {
  return [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
    '--no-default-browser-check',
    '--window-size=1280,900',
    `--user-data-dir=${userDataDir}`,
  ];
}

interface CdpMessage {
  id?: number;
  method?: string;
  params?: Record<string, unknown>;
  result?: Record<string, unknown>;
  error?: { message: string };
  sessionId?: string;
}

/**
 * Chromium driven over the DevTools protocol on `--remote-debugging-pipe` (fd 3 in,
 * fd 4 out, NUL-terminated JSON): enough to open a page, click like a user and read
 * the DOM, without a driver package.
 */
export class HeadlessChromium {
  private nextId = 1;
  private readonly pending = new Map<
    number,
    { resolve: (m: CdpMessage) => void; reject: (e: Error) => void }
  >();
  private readonly listeners: Array<(message: CdpMessage) => void> = [];
  private buffer = '';
  private sessionId = '';
  /** Every URL the page requested, in order. */
  readonly requests: string[] = [];
  /** Console and browser log text (CSP violations show up here), and uncaught exceptions. */
  readonly logs: string[] = [];

  private constructor(
    private readonly child: ChildProcess,
    private readonly userDataDir: string,
  ) {
    const output = child.stdio[4] as Readable;
    output.setEncoding('utf8');
    output.on('data', (data: string) => {
      this.buffer += data;
      let end = this.buffer.indexOf('\0');
      while (end !== -1) {
        const message = JSON.parse(this.buffer.slice(0, end)) as CdpMessage;
        this.buffer = this.buffer.slice(end + 1);
        this.dispatch(message);
        end = this.buffer.indexOf('\0');
      }
    });
    // A write to a browser that has gone must fail the command, not crash the test run.
    output.on('error', () => undefined);
    (child.stdio[3] as Writable).on('error', () => undefined);
    child.on('error', (error) => {
      for (const { reject } of this.pending.values()) reject(error);
      this.pending.clear();
    });
    child.on('exit', () => {
      for (const { reject } of this.pending.values()) reject(new Error('chromium exited'));
      this.pending.clear();
    });
  }

  static async launch(executable: string): Promise<HeadlessChromium> {
    const userDataDir = await mkdtemp(join(tmpdir(), 'cmc-chromium-'));
    const child = spawn(
      executable,
      [...chromiumFlags(userDataDir), '--remote-debugging-pipe', 'about:blank'],
      {
        stdio: ['ignore', 'ignore', 'ignore', 'pipe', 'pipe'],
      },
    );
    const browser = new HeadlessChromium(child, userDataDir);
    const targets = await browser.send('Target.getTargets');
    const page = (targets.targetInfos as Array<{ type: string; targetId: string }>).find(
      (t) => t.type === 'page',
    );
    const targetId =
      page?.targetId ??
      ((await browser.send('Target.createTarget', { url: 'about:blank' })).targetId as string);
    browser.sessionId = (await browser.send('Target.attachToTarget', { targetId, flatten: true }))
      .sessionId as string;
    browser.listeners.push((message) => {
      const params = message.params ?? {};
      if (message.method === 'Network.requestWillBeSent') {
        browser.requests.push((params.request as { url: string }).url);
      } else if (message.method === 'Log.entryAdded') {
        browser.logs.push((params.entry as { text: string }).text);
      } else if (message.method === 'Runtime.exceptionThrown') {
        browser.logs.push(JSON.stringify(params.exceptionDetails));
      } else if (message.method === 'Runtime.consoleAPICalled') {
        browser.logs.push(JSON.stringify(params.args));
      }
    });
    for (const domain of ['Page', 'Runtime', 'Network', 'Log']) await browser.send(`${domain}.enable`);
    return browser;
  }

  /** A DevTools command: to the browser until a page is attached, then to that page. */
  async send(method: string, params: Record<string, unknown> = {}): Promise<Record<string, unknown>> {
    const id = this.nextId++;
    const message: CdpMessage = { id, method, params };
    if (this.sessionId !== '') message.sessionId = this.sessionId;
    const reply = new Promise<CdpMessage>((resolve, reject) => this.pending.set(id, { resolve, reject }));
    (this.child.stdio[3] as Writable).write(`${JSON.stringify(message)}\0`);
    const answer = await reply;
    if (answer.error) throw new Error(`${method}: ${answer.error.message}`);
    return answer.result ?? {};
  }

  /**
   * Opens `url` afresh and waits for its load event. Through about:blank, so a URL that
   * differs from the current one only in its #hash still loads the page again.
   */
  async open(url: string, timeoutMs = 20_000): Promise<void> {
    for (const target of ['about:blank', url]) {
      const loaded = this.next('Page.loadEventFired');
      await this.send('Page.navigate', { url: target });
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no load event for ${target}`)), timeoutMs);
      });
      try {
        await Promise.race([loaded, timeout]);
      } finally {
        clearTimeout(timer);
      }
    }
  }

  /** Evaluates `expression` in the page (awaiting a promise) and returns its value. */
  async evaluate<T>(expression: string): Promise<T> {
    const result = await this.send('Runtime.evaluate', {
      expression,
      returnByValue: true,
      awaitPromise: true,
    });
    if (result.exceptionDetails) throw new Error(`page threw: ${JSON.stringify(result.exceptionDetails)}`);
    return (result.result as { value: T }).value;
  }

  /** Polls `expression` until it is truthy; returns its value. */
  async waitFor<T>(expression: string, timeoutMs = 10_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = await this.evaluate<T>(expression);
      if (value) return value;
      if (Date.now() > deadline) throw new Error(`timed out waiting for: ${expression}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  /** A real mouse click (pressed + released) on the middle of the element `selector` finds. */
  async click(selector: string): Promise<void> {
    const point = await this.evaluate<{ x: number; y: number } | null>(`(() => {
      const node = document.querySelector(${JSON.stringify(selector)});
      if (!node) return null;
      node.scrollIntoView({ block: 'center' });
      const box = node.getBoundingClientRect();
      return { x: box.left + Math.min(box.width / 2, 40), y: box.top + box.height / 2 };
    })()`);
    if (point === null) throw new Error(`nothing to click: ${selector}`);
    for (const type of ['mouseMoved', 'mousePressed', 'mouseReleased']) {
      await this.send('Input.dispatchMouseEvent', { type, ...point, button: 'left', clickCount: 1 });
    }
  }

  /** Types text into the focused element, as a keyboard would. */
  async type(text: string): Promise<void> {
    await this.send('Input.insertText', { text });
  }

  async close(): Promise<void> {
    const exited =
      this.child.exitCode !== null || this.child.signalCode !== null
        ? Promise.resolve()
        : new Promise((resolve) => this.child.once('exit', resolve));
    try {
      this.sessionId = '';
      await Promise.race([this.send('Browser.close'), exited]);
    } catch {
      // already gone
    }
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5000))]);
    // Chromium's helper processes may still be writing the profile for a moment after the
    // browser exits (ENOTEMPTY on a loaded machine): rm retries those.
    await rm(this.userDataDir, { recursive: true, force: true, maxRetries: 10, retryDelay: 200 });
  }

  private next(method: string): Promise<CdpMessage> {
    return new Promise((resolve) => {
      const listener = (message: CdpMessage) => {
        if (message.method !== method) return;
        this.listeners.splice(this.listeners.indexOf(listener), 1);
        resolve(message);
      };
      this.listeners.push(listener);
    });
  }

  private dispatch(message: CdpMessage): void {
    if (message.id !== undefined) {
      const waiter = this.pending.get(message.id);
      this.pending.delete(message.id);
      waiter?.resolve(message);
      return;
    }
    for (const listener of [...this.listeners]) listener(message);
  }
}
