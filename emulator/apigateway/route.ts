import type { Method, Resource } from "./model.js";

export interface RouteMatch {
  resource: Resource;
  method: Method;
  pathParameters: Record<string, string> | null;
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

function matchPath(template: string, path: string): Record<string, string> | undefined {
  const t = template.split("/").filter(Boolean);
  const p = path.split("/").filter(Boolean);
  const params: Record<string, string> = {};
  for (let i = 0; i < t.length; i++) {
    const seg = t[i]!;
    if (seg.startsWith("{") && seg.endsWith("+}")) {
      if (i >= p.length) return undefined;
      params[seg.slice(1, -2)] = p.slice(i).map(decodeURIComponent).join("/");
      return params;
    }
    const part = p[i];
    if (part === undefined) return undefined;
    if (seg.startsWith("{") && seg.endsWith("}")) params[seg.slice(1, -1)] = decodeURIComponent(part);
    else if (seg !== part) return undefined;
  }
  return t.length === p.length ? params : undefined;
}

/**
 * Finds the resource and method for a request in a deployment's resources, the
 * way API Gateway does: most specific path first, then the method (or ANY).
 * undefined when nothing matches: the caller answers 403 Missing Authentication Token.
 */
export function matchRoute(resources: readonly Resource[], httpMethod: string, path: string): RouteMatch | undefined {
  const candidates = resources
    .map((resource) => ({ resource, params: matchPath(resource.path, path) }))
    .filter((c): c is { resource: Resource; params: Record<string, string> } => c.params !== undefined)
    .sort((a, b) => compare(score(a.resource), score(b.resource)));
  for (const c of candidates) {
    const method = c.resource.methods[httpMethod.toUpperCase()] ?? c.resource.methods.ANY;
    if (method) return { resource: c.resource, method, pathParameters: Object.keys(c.params).length ? c.params : null };
  }
  return undefined;
}
