import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SimulatorState } from './state.js';

/**
 * How a route is authenticated: the Bearer API key, the key or an `api_key` query
 * value (calendar start only), or nothing (admin, recordings with their own token,
 * the browser-opened OAuth callback).
 */
export type AuthMode = 'apiKey' | 'apiKeyOrQuery' | 'none';

export interface RouteContext {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  params: Record<string, string>;
  sim: SimulatorState;
}

export type RouteHandler = (ctx: RouteContext) => Promise<void> | void;

interface Route {
  method: string;
  pattern: RegExp;
  auth: AuthMode;
  handler: RouteHandler;
}

export type RouteMatch =
  | { kind: 'found'; route: Route; params: Record<string, string> }
  | { kind: 'wrong-method'; allowed: string[] }
  | { kind: 'not-found' };

/** `/v1/calls/:callId` -> a regex with named groups; a parameter stops at `/` and `.`. */
function compile(path: string): RegExp {
  const source = path
    .split(/(:[A-Za-z_]\w*)/)
    .map((part) =>
      part.startsWith(':') ? `(?<${part.slice(1)}>[^/.]+)` : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'),
    )
    .join('');
  return new RegExp(`^${source}$`);
}

export class Router {
  private readonly routes: Route[] = [];

  add(method: string, path: string, auth: AuthMode, handler: RouteHandler): this {
    this.routes.push({ method, pattern: compile(path), auth, handler });
    return this;
  }

  match(method: string, pathname: string): RouteMatch {
    const allowed: string[] = [];
    for (const route of this.routes) {
      const found = route.pattern.exec(pathname);
      if (!found) continue;
      if (route.method !== method) {
        allowed.push(route.method);
        continue;
      }
      const params: Record<string, string> = {};
      for (const [key, value] of Object.entries(found.groups ?? {})) {
        try {
          params[key] = decodeURIComponent(value);
        } catch {
          params[key] = value;
        }
      }
      return { kind: 'found', route, params };
    }
    return allowed.length > 0 ? { kind: 'wrong-method', allowed } : { kind: 'not-found' };
  }
}
