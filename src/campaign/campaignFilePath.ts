import { realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { firstControlCharacter } from './controlCharacter.js';

/**
 * Where a file named in campaign.json (contacts, a suppression list) really is.
 * campaign.json is data, not code: whoever writes it must not be able to make the
 * runner read, and quote back in an error, a file outside the campaign folder, such
 * as /proc/self/environ (the worker's API key) or /etc/passwd. So every such path
 * must lead, after following every symlink, to a regular file inside the real
 * campaign folder; anything else is refused here, before any byte of it is read.
 * This is the only place that turns a path from campaign.json into a file to open.
 */
export type CampaignFilePath =
  | { ok: true; path: string }
  | {
      ok: false;
      /** What is wrong, to follow the path as written: "resolves outside the campaign folder". No file content is ever in it. */
      problem: string;
      /** Only a file that is not there (yet), inside the folder: a `{{date}}` export may still come. */
      missing?: true;
    };

/**
 * @param realCampaignDir the campaign folder, already through realpath
 * @param written the path as campaign.json has it, `{{date}}` filled in
 */
export async function resolveCampaignFilePath(
  realCampaignDir: string,
  written: string,
): Promise<CampaignFilePath> {
  // fs refuses a NUL outright, and other controls only hide what the path really is.
  if (firstControlCharacter(written) !== undefined) {
    return { ok: false, problem: 'contains a control character' };
  }
  const candidate = path.resolve(realCampaignDir, written);
  if (!isInside(realCampaignDir, candidate)) return outside('');

  let real: string;
  try {
    real = await realpath(candidate);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT' && code !== 'ENOTDIR') return { ok: false, problem: `cannot be read (${code})` };
    // What exists or not beyond a symlink out of the folder is none of our business to tell.
    if (!isInside(realCampaignDir, await realExistingPart(candidate))) return outside(' (through a symlink)');
    return { ok: false, problem: 'file not found', missing: true };
  }
  if (!isInside(realCampaignDir, real)) return outside(' (through a symlink)');

  // stat, not open: opening a FIFO blocks until someone writes to it.
  const kind = await stat(real).then(
    (fileStat) => fileKind(fileStat),
    (error: NodeJS.ErrnoException) => `cannot be read (${error.code})`,
  );
  return kind === 'file' ? { ok: true, path: real } : { ok: false, problem: kind };
}

function outside(how: string): CampaignFilePath {
  return { ok: false, problem: `resolves outside the campaign folder${how}` };
}

/** True for the folder itself too: that one is then refused as "a folder, not a file". */
function isInside(folder: string, file: string): boolean {
  const relative = path.relative(folder, file);
  return relative !== '..' && !relative.startsWith(`..${path.sep}`) && !path.isAbsolute(relative);
}

/** The real path of the longest part of `file` that exists, with the rest appended. */
async function realExistingPart(file: string): Promise<string> {
  let existing = path.dirname(file);
  const rest = [path.basename(file)];
  for (;;) {
    try {
      return path.join(await realpath(existing), ...rest);
    } catch {
      const parent = path.dirname(existing);
      if (parent === existing) return file;
      rest.unshift(path.basename(existing));
      existing = parent;
    }
  }
}

function fileKind(fileStat: Awaited<ReturnType<typeof stat>>): string {
  if (fileStat.isFile()) return 'file';
  if (fileStat.isDirectory()) return 'is a folder, not a file';
  if (fileStat.isFIFO()) return 'is a FIFO (named pipe), not a regular file';
  if (fileStat.isSocket()) return 'is a socket, not a regular file';
  if (fileStat.isCharacterDevice() || fileStat.isBlockDevice()) return 'is a device, not a regular file';
  return 'is not a regular file';
}
