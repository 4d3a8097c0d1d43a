import type { IncomingMessage, ServerResponse } from 'node:http';

/** An error that becomes a JSON response: `{ error, ...extra }` with its status. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly extra: Record<string, unknown> = {},
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

const MAX_BODY_BYTES = 5 * 1024 * 1024;

export async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > MAX_BODY_BYTES) throw new HttpError(413, 'Request body too large');
    chunks.push(buffer);
  }
  return Buffer.concat(chunks);
}

/**
 * Parses a JSON object body. An empty body counts as `{}` so a missing field is
 * reported by name instead of as a parse error.
 */
export async function readJsonObject(req: IncomingMessage): Promise<Record<string, unknown>> {
  const raw = (await readBody(req)).toString('utf8');
  if (raw.trim() === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new HttpError(400, 'Request body must be valid JSON');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new HttpError(400, 'Request body must be a JSON object');
  }
  return parsed as Record<string, unknown>;
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

export function sendError(res: ServerResponse, error: HttpError): void {
  sendJson(res, error.status, { error: error.message, ...error.extra }, error.headers);
}

interface IssueLike {
  path: ReadonlyArray<PropertyKey>;
  message: string;
  code?: string;
  errors?: ReadonlyArray<ReadonlyArray<IssueLike>>;
}

/**
 * The issue to report, with its full path. A union ("an Outcome or a list of
 * Outcomes") only says "Invalid input", so look inside the branch whose shape the
 * input had and report what is wrong there.
 */
function explainIssue(
  issue: IssueLike,
  prefix: PropertyKey[] = [],
): { path: PropertyKey[]; message: string } {
  const path = [...prefix, ...issue.path];
  if (issue.code === 'invalid_union' && issue.errors) {
    const branches = issue.errors.filter((branch) => branch.length > 0);
    const sameShape = branches.find(
      (branch) => !branch.some((inner) => inner.code === 'invalid_type' && inner.path.length === 0),
    );
    const inner = (sameShape ?? branches[0])?.[0];
    if (inner) return explainIssue(inner, path);
  }
  return { path, message: issue.message };
}

/** Parses `body` with a zod schema; a failure is a 400 naming the offending field path. */
export function parseBody<T>(
  schema: {
    safeParse(
      input: unknown,
    ): { success: true; data: T } | { success: false; error: { issues: ReadonlyArray<IssueLike> } };
  },
  body: unknown,
  what: string,
): T {
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  const first = result.error.issues[0];
  if (!first) throw new HttpError(400, `Invalid ${what}`);
  const { path, message } = explainIssue(first);
  const where = path.map(String).join('.');
  throw new HttpError(400, `Invalid ${what}: ${where === '' ? message : `${where}: ${message}`}`);
}
