/**
 * The Lambda API's REST routes: which operation a method and path name, and
 * which path part is the function or mapping. The Lambda API serves only the
 * AWS paths listed here, and the IAM guard decodes calls from the same table,
 * so no path can be served that the guard cannot attribute.
 */
export interface LambdaRoute {
  method: string;
  pattern: RegExp;
  operation: string;
  /** what the path's captured part is */
  param?: "FunctionName" | "UUID" | "Resource";
}

const F = "([^/]+)";

export const LAMBDA_ROUTES: readonly LambdaRoute[] = [
  { method: "POST", pattern: new RegExp(`^/2015-03-31/functions/${F}/invocations/?$`), operation: "Invoke", param: "FunctionName" },
  { method: "POST", pattern: new RegExp(`^/2014-11-13/functions/${F}/invoke-async/?$`), operation: "InvokeAsync", param: "FunctionName" },
  { method: "GET", pattern: new RegExp(`^/2015-03-31/functions/${F}/configuration/?$`), operation: "GetFunctionConfiguration", param: "FunctionName" },
  { method: "PUT", pattern: new RegExp(`^/2015-03-31/functions/${F}/configuration/?$`), operation: "UpdateFunctionConfiguration", param: "FunctionName" },
  { method: "PUT", pattern: new RegExp(`^/2015-03-31/functions/${F}/code/?$`), operation: "UpdateFunctionCode", param: "FunctionName" },
  { method: "POST", pattern: new RegExp(`^/2015-03-31/functions/${F}/policy/?$`), operation: "AddPermission", param: "FunctionName" },
  { method: "GET", pattern: new RegExp(`^/2015-03-31/functions/${F}/policy/?$`), operation: "GetPolicy", param: "FunctionName" },
  { method: "DELETE", pattern: new RegExp(`^/2015-03-31/functions/${F}/policy/[^/]+/?$`), operation: "RemovePermission", param: "FunctionName" },
  { method: "GET", pattern: new RegExp(`^/2015-03-31/functions/${F}/?$`), operation: "GetFunction", param: "FunctionName" },
  { method: "DELETE", pattern: new RegExp(`^/2015-03-31/functions/${F}/?$`), operation: "DeleteFunction", param: "FunctionName" },
  { method: "GET", pattern: /^\/2015-03-31\/functions\/?$/, operation: "ListFunctions" },
  { method: "POST", pattern: /^\/2015-03-31\/functions\/?$/, operation: "CreateFunction" },
  { method: "PUT", pattern: new RegExp(`^/2017-10-31/functions/${F}/concurrency/?$`), operation: "PutFunctionConcurrency", param: "FunctionName" },
  { method: "DELETE", pattern: new RegExp(`^/2017-10-31/functions/${F}/concurrency/?$`), operation: "DeleteFunctionConcurrency", param: "FunctionName" },
  { method: "GET", pattern: new RegExp(`^/2019-09-30/functions/${F}/concurrency/?$`), operation: "GetFunctionConcurrency", param: "FunctionName" },
  { method: "PUT", pattern: new RegExp(`^/2019-09-25/functions/${F}/event-invoke-config/?$`), operation: "PutFunctionEventInvokeConfig", param: "FunctionName" },
  { method: "POST", pattern: new RegExp(`^/2019-09-25/functions/${F}/event-invoke-config/?$`), operation: "UpdateFunctionEventInvokeConfig", param: "FunctionName" },
  { method: "GET", pattern: new RegExp(`^/2019-09-25/functions/${F}/event-invoke-config/?$`), operation: "GetFunctionEventInvokeConfig", param: "FunctionName" },
  { method: "DELETE", pattern: new RegExp(`^/2019-09-25/functions/${F}/event-invoke-config/?$`), operation: "DeleteFunctionEventInvokeConfig", param: "FunctionName" },
  { method: "GET", pattern: new RegExp(`^/2015-03-31/functions/${F}/versions/?$`), operation: "ListVersionsByFunction", param: "FunctionName" },
  { method: "POST", pattern: new RegExp(`^/2015-03-31/functions/${F}/versions/?$`), operation: "PublishVersion", param: "FunctionName" },
  { method: "GET", pattern: new RegExp(`^/2020-06-30/functions/${F}/code-signing-config/?$`), operation: "GetFunctionCodeSigningConfig", param: "FunctionName" },
  { method: "GET", pattern: new RegExp(`^/2021-10-31/functions/${F}/url/?$`), operation: "GetFunctionUrlConfig", param: "FunctionName" },
  { method: "GET", pattern: new RegExp(`^/2017-03-31/tags/${F}/?$`), operation: "ListTags", param: "Resource" },
  { method: "POST", pattern: new RegExp(`^/2017-03-31/tags/${F}/?$`), operation: "TagResource", param: "Resource" },
  { method: "DELETE", pattern: new RegExp(`^/2017-03-31/tags/${F}/?$`), operation: "UntagResource", param: "Resource" },
  { method: "GET", pattern: /^\/2016-08-19\/account-settings\/?$/, operation: "GetAccountSettings" },
  { method: "GET", pattern: /^\/2015-03-31\/event-source-mappings\/?$/, operation: "ListEventSourceMappings" },
  { method: "POST", pattern: /^\/2015-03-31\/event-source-mappings\/?$/, operation: "CreateEventSourceMapping" },
  { method: "GET", pattern: new RegExp(`^/2015-03-31/event-source-mappings/${F}/?$`), operation: "GetEventSourceMapping", param: "UUID" },
  { method: "PUT", pattern: new RegExp(`^/2015-03-31/event-source-mappings/${F}/?$`), operation: "UpdateEventSourceMapping", param: "UUID" },
  { method: "DELETE", pattern: new RegExp(`^/2015-03-31/event-source-mappings/${F}/?$`), operation: "DeleteEventSourceMapping", param: "UUID" },
];

export interface LambdaOperation {
  operation: string;
  /** the function name or mapping UUID from the path, decoded */
  params: { FunctionName?: string; UUID?: string; Resource?: string };
}

/** The operation a request names, or undefined when the path is no Lambda API operation. */
export function lambdaOperationOf(method: string, path: string): LambdaOperation | undefined {
  for (const route of LAMBDA_ROUTES) {
    if (route.method !== method) continue;
    const m = route.pattern.exec(path);
    if (!m) continue;
    if (!route.param) return { operation: route.operation, params: {} };
    let value: string;
    try {
      value = decodeURIComponent(m[1]!);
    } catch {
      return undefined;
    }
    return { operation: route.operation, params: { [route.param]: value } };
  }
  return undefined;
}
