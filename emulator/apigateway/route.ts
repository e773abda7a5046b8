import type { Method, Resource } from "./model.js";

export interface RouteMatch {
  resource: Resource;
  method: Method;
  pathParameters: Record<string, string> | null;
}

/** A segment of a resource path: `{name+}` (greedy), `{name}`, or a literal. */
const PROXY = 0;
const PARAM = 1;
const LITERAL = 2;

/** A resource path split once: its segments, their kinds and (for parameters) names. */
interface Template {
  segments: string[];
  kinds: number[];
  names: string[];
}

/**
 * Resource paths split once and kept: every request is matched against every
 * resource of its deployment, and the paths do not change between requests.
 * Keyed by the path text, so a redeployment's resources reuse the entries;
 * cleared when it grows past any real API's size.
 */
const templates = new Map<string, Template>();
const TEMPLATE_CACHE_SIZE = 10_000;

function templateOf(path: string): Template {
  let t = templates.get(path);
  if (t) return t;
  const segments = path.split("/").filter(Boolean);
  const kinds = segments.map((seg) => (seg.startsWith("{") && seg.endsWith("+}") ? PROXY : seg.startsWith("{") && seg.endsWith("}") ? PARAM : LITERAL));
  const names = segments.map((seg, i) => (kinds[i] === PROXY ? seg.slice(1, -2) : kinds[i] === PARAM ? seg.slice(1, -1) : ""));
  t = { segments, kinds, names };
  if (templates.size >= TEMPLATE_CACHE_SIZE) templates.clear();
  templates.set(path, t);
  return t;
}

/** How specific a resource path is: literal segments beat {param}, which beats {proxy+}. */
function score(resource: Resource): number[] {
  return resource.path
    .split("/")
    .filter(Boolean)
    .map((seg) => (seg.endsWith("+}") ? 0 : seg.startsWith("{") ? 1 : 2));
}

function compare(a: number[], b: number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const d = (b[i] ?? -1) - (a[i] ?? -1);
    if (d !== 0) return d;
  }
  return 0;
}

/** `p` is the request path's non-empty segments. */
function matchPath(template: Template, p: string[]): Record<string, string> | undefined {
  const { segments: t, kinds, names } = template;
  // a path of another length can only match through a greedy segment
  if (t.length !== p.length && !kinds.includes(PROXY)) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < t.length; i++) {
    if (kinds[i] === PROXY) {
      if (i >= p.length) return undefined;
      params[names[i]!] = p.slice(i).map(decodeURIComponent).join("/");
      return params;
    }
    const part = p[i];
    if (part === undefined) return undefined;
    if (kinds[i] === PARAM) params[names[i]!] = decodeURIComponent(part);
    else if (t[i] !== part) return undefined;
  }
  return t.length === p.length ? params : undefined;
}

/**
 * Finds the resource and method for a request in a deployment's resources, the
 * way API Gateway does: most specific path first, then the method (or ANY).
 * undefined when nothing matches: the caller answers 403 Missing Authentication Token.
 */
export function matchRoute(resources: readonly Resource[], httpMethod: string, path: string): RouteMatch | undefined {
  const segments = path.split("/").filter(Boolean);
  const candidates = resources
    .map((resource) => ({ resource, params: matchPath(templateOf(resource.path), segments) }))
    .filter((c): c is { resource: Resource; params: Record<string, string> } => c.params !== undefined)
    .sort((a, b) => compare(score(a.resource), score(b.resource)));
  for (const c of candidates) {
    const method = c.resource.methods[httpMethod.toUpperCase()] ?? c.resource.methods.ANY;
    if (method) return { resource: c.resource, method, pathParameters: Object.keys(c.params).length ? c.params : null };
  }
  return undefined;
}
