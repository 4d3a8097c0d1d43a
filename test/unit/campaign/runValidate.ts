import { vi } from 'vitest';
import { validateCommand } from '../../../src/commands/validate.js';

/** Runs `cmc validate ...args` in-process; returns what it printed and what it threw. */
export async function runValidate(...args: string[]): Promise<{ stdout: string; error?: unknown }> {
  let stdout = '';
  const write = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stdout += String(chunk);
    return true;
  });
  const command = validateCommand()
    .exitOverride()
    .configureOutput({ writeErr: () => {}, writeOut: () => {} });
  try {
    await command.parseAsync(args, { from: 'user' });
    return { stdout };
  } catch (error) {
    return { stdout, error };
  } finally {
    write.mockRestore();
  }
}
