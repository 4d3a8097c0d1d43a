import type { z } from 'zod';
import { closestMatch } from './closestMatch.js';
import { quotedExcerpt } from './quotedExcerpt.js';

/**
 * Turns zod issues for campaign.json into messages an operator can act on: one per
 * unknown key, with the closest valid key suggested; "is required" instead of
 * "expected number, received undefined"; and the branch of a union that matches
 * what was written, instead of zod's bare "Invalid input".
 */
export interface CampaignIssue {
  /** Dotted path inside campaign.json, e.g. "callingWindow.start"; "" for the file itself. */
  path: string;
  message: string;
  /**
   * A `{{date}}` contacts file that is not there (its name, with the date filled in): fine
   * for a schedule, whose runs each read their own date's file, and for a run with contactsWait.
   */
  datedContactsMissing?: string;
}

type Issue = z.core.$ZodIssue;
type PathKey = PropertyKey;

export function describeCampaignIssues(issues: readonly Issue[], schema: z.ZodType): CampaignIssue[] {
  return issues.flatMap((issue) => describeIssue(issue, [], schema));
}

function describeIssue(issue: Issue, prefix: PathKey[], schema: z.ZodType): CampaignIssue[] {
  const path = [...prefix, ...issue.path];
  switch (issue.code) {
    case 'unrecognized_keys': {
      const validKeys = objectKeysAt(schema, path).filter((key) => key !== '$schema');
      return issue.keys.map((key) => {
        const suggestion = closestMatch(key, validKeys);
        const hint = suggestion ? `did you mean "${suggestion}"?` : `valid keys: ${validKeys.join(', ')}`;
        return { path: formatPath([...path, key]), message: `unknown key ${quotedExcerpt(key)} (${hint})` };
      });
    }
    case 'invalid_union': {
      const branch = mostRelevantBranch(issue.errors);
      if (branch) return branch.flatMap((inner) => describeIssue(inner, path, schema));
      return [{ path: formatPath(path), message: issue.message }];
    }
    case 'invalid_type':
      if (/received undefined$/.test(issue.message))
        return [{ path: formatPath(path), message: 'is required' }];
      return [{ path: formatPath(path), message: issue.message.replace(/^Invalid input: /, '') }];
    case 'invalid_value': {
      const written = issue.input;
      const suggestion =
        typeof written === 'string'
          ? closestMatch(
              written,
              issue.values.filter((value): value is string => typeof value === 'string'),
            )
          : undefined;
      const message = issue.message.replace(/^Invalid option: /, '');
      return [
        {
          path: formatPath(path),
          message: suggestion ? `${message} (did you mean "${suggestion}"?)` : message,
        },
      ];
    }
    default:
      return [{ path: formatPath(path), message: issue.message }];
  }
}

/**
 * A union's branches each explain why the value did not fit them. The branch that
 * failed deepest, or on content rather than type, is the one the operator meant.
 */
function mostRelevantBranch(branches: Issue[][]): Issue[] | undefined {
  let best: Issue[] | undefined;
  let bestScore = -1;
  for (const branch of branches) {
    const score = Math.max(...branch.map(relevance));
    if (score > bestScore) {
      best = branch;
      bestScore = score;
    }
  }
  return best;
}

function relevance(issue: Issue): number {
  const shallowMismatch =
    issue.path.length === 0 && (issue.code === 'invalid_type' || issue.code === 'invalid_value');
  return (shallowMismatch ? 0 : 10) + issue.path.length;
}

function formatPath(path: readonly PathKey[]): string {
  return path
    .map((key, index) => (typeof key === 'number' ? `[${key}]` : `${index === 0 ? '' : '.'}${String(key)}`))
    .join('');
}

/** The keys an object schema at `path` accepts, looking through wrappers, pipes, unions and arrays. */
export function objectKeysAt(schema: z.core.$ZodType, path: readonly PathKey[]): string[] {
  const def = schema._zod.def as unknown as Record<string, unknown> & { type: string };
  switch (def.type) {
    case 'object': {
      const shape = def.shape as Record<string, z.core.$ZodType>;
      if (path.length === 0) return Object.keys(shape);
      const child = shape[String(path[0])];
      return child ? objectKeysAt(child, path.slice(1)) : [];
    }
    case 'optional':
    case 'nullable':
    case 'default':
    case 'prefault':
    case 'readonly':
    case 'catch':
    case 'nonoptional':
      return objectKeysAt(def.innerType as z.core.$ZodType, path);
    case 'pipe':
      return objectKeysAt(def.in as z.core.$ZodType, path);
    case 'array':
      return path.length === 0 ? [] : objectKeysAt(def.element as z.core.$ZodType, path.slice(1));
    case 'union':
      for (const option of def.options as z.core.$ZodType[]) {
        const keys = objectKeysAt(option, path);
        if (keys.length > 0) return keys;
      }
      return [];
    default:
      return [];
  }
}
