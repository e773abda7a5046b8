import type { IncomingMessage, ServerResponse } from "node:http";
import { AwsError, isAwsError } from "../core/aws-error.js";
import type { CallContext, RouteInfo, Service } from "../core/service.js";
import { readJson } from "../wire/aws-json.js";
import { readList, readStructList, serveQuery, type QueryAction, type QueryParams } from "../wire/aws-query.js";
import { escapeXml, toXml } from "../wire/xml.js";
import type { SesModel, SesSnapshot } from "./model.js";
import * as ops from "./operations.js";
import * as sets from "./configuration-sets.js";
import * as v2 from "./identities-v2.js";

const NAMESPACE = "http://ses.amazonaws.com/doc/2010-12-01/";
export const MAILBOX_PATH = "/_aws/ses";

const opt = (p: QueryParams, name: string): string | undefined => p[name];

function intParam(p: QueryParams, name: string): number | undefined {
  const v = p[name];
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n)) throw new AwsError("InvalidParameterValue", `${name} must be an integer, got ${v}`);
  return n;
}

function tagsFrom(p: QueryParams): { Name: string; Value: string }[] {
  return readStructList(p, "Tags").map((t) => ({ Name: t.Name ?? "", Value: t.Value ?? "" }));
}

function v1Actions(model: SesModel): Record<string, QueryAction> {
  const verifyEmail: QueryAction = (p, ctx) => (ops.verifyEmailIdentity(model, ctx, { EmailAddress: opt(p, "EmailAddress") }), "");
  const deleteIdentity = (name: string): QueryAction => (p, ctx) => (ops.deleteIdentity(model, ctx, { Identity: opt(p, name) }), "");
  return {
    VerifyEmailIdentity: verifyEmail,
    VerifyEmailAddress: verifyEmail,
    VerifyDomainIdentity: (p, ctx) => toXml(ops.verifyDomainIdentity(model, ctx, { Domain: opt(p, "Domain") })),
    ListIdentities: (p, ctx) =>
      toXml({ ...ops.listIdentities(model, ctx, { IdentityType: opt(p, "IdentityType"), MaxItems: intParam(p, "MaxItems"), NextToken: opt(p, "NextToken") }) }),
    ListVerifiedEmailAddresses: (_p, ctx) =>
      toXml({ VerifiedEmailAddresses: ops.listIdentities(model, ctx, { IdentityType: "EmailAddress" }).Identities }),
    GetIdentityVerificationAttributes: (p, ctx) => {
      const out = ops.getIdentityVerificationAttributes(model, ctx, { Identities: readList(p, "Identities") });
      const entries = Object.entries(out.VerificationAttributes).map(
        ([k, v]) => `<entry><key>${escapeXml(k)}</key><value>${toXml({ ...v })}</value></entry>`,
      );
      return `<VerificationAttributes>${entries.join("")}</VerificationAttributes>`;
    },
    DeleteIdentity: deleteIdentity("Identity"),
    DeleteVerifiedEmailAddress: deleteIdentity("EmailAddress"),
    SendEmail: (p, ctx) =>
      toXml(
        ops.sendEmail(model, ctx, {
          Source: opt(p, "Source"),
          Destination: {
            ToAddresses: readList(p, "Destination.ToAddresses"),
            CcAddresses: readList(p, "Destination.CcAddresses"),
            BccAddresses: readList(p, "Destination.BccAddresses"),
          },
          Subject: opt(p, "Message.Subject.Data"),
          TextBody: opt(p, "Message.Body.Text.Data"),
          HtmlBody: opt(p, "Message.Body.Html.Data"),
          ReplyToAddresses: readList(p, "ReplyToAddresses"),
          ConfigurationSetName: opt(p, "ConfigurationSetName"),
          Tags: tagsFrom(p),
        }),
      ),
    SendRawEmail: (p, ctx) => {
      const data = opt(p, "RawMessage.Data");
      return toXml(
        ops.sendRawEmail(model, ctx, {
          RawMessage: data === undefined ? undefined : Buffer.from(data, "base64"),
          Source: opt(p, "Source"),
          Destinations: readList(p, "Destinations"),
          ConfigurationSetName: opt(p, "ConfigurationSetName"),
          Tags: tagsFrom(p),
        }),
      );
    },
    GetSendQuota: (_p, ctx) => {
      const q = ops.getSendQuota(model, ctx);
      // doubles, written as AWS writes them
      return toXml({ Max24HourSend: q.Max24HourSend.toFixed(1), MaxSendRate: q.MaxSendRate.toFixed(1), SentLast24Hours: q.SentLast24Hours.toFixed(1) });
    },
    CreateConfigurationSet: (p, ctx) => (ops.createConfigurationSet(model, ctx, { Name: opt(p, "ConfigurationSet.Name") }), ""),
    DeleteConfigurationSet: (p, ctx) => (ops.deleteConfigurationSet(model, ctx, { ConfigurationSetName: opt(p, "ConfigurationSetName") }), ""),
    DescribeConfigurationSet: (p, ctx) => {
      const out = sets.describeConfigurationSet(model, ctx, {
        ConfigurationSetName: opt(p, "ConfigurationSetName"),
        ConfigurationSetAttributeNames: readList(p, "ConfigurationSetAttributeNames"),
      });
      return toXml({ ...out, EventDestinations: [] });
    },
    UpdateConfigurationSetSendingEnabled: (p, ctx) =>
      (sets.updateConfigurationSetSendingEnabled(model, ctx, { ConfigurationSetName: opt(p, "ConfigurationSetName"), Enabled: opt(p, "Enabled") }), ""),
    UpdateConfigurationSetReputationMetricsEnabled: (p, ctx) =>
      (sets.updateConfigurationSetReputationMetricsEnabled(model, ctx, { ConfigurationSetName: opt(p, "ConfigurationSetName"), Enabled: opt(p, "Enabled") }), ""),
    PutConfigurationSetDeliveryOptions: (p, ctx) =>
      (sets.putConfigurationSetDeliveryOptions(model, ctx, { ConfigurationSetName: opt(p, "ConfigurationSetName"), TlsPolicy: opt(p, "DeliveryOptions.TlsPolicy") }), ""),
    ListConfigurationSets: (p, ctx) =>
      toXml({ ...ops.listConfigurationSets(model, ctx, { MaxItems: intParam(p, "MaxItems"), NextToken: opt(p, "NextToken") }) }),
  };
}

function sendRestJson(res: ServerResponse, ctx: CallContext, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text), "x-amzn-requestid": ctx.requestId });
  res.end(text);
}

function sendRestJsonError(res: ServerResponse, ctx: CallContext, err: AwsError): void {
  const text = JSON.stringify({ message: err.message });
  res.writeHead(err.statusCode, {
    "content-type": "application/json",
    "content-length": Buffer.byteLength(text),
    "x-amzn-requestid": ctx.requestId,
    "x-amzn-errortype": err.code,
  });
  res.end(text);
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each operation checks the fields it reads
type V2Route = (model: SesModel, ctx: CallContext, name: string, body: () => Promise<any>, query: URLSearchParams) => Promise<unknown> | unknown;

/** `METHOD /v2/email/<collection>[/<name>]` -> operation; the status AWS answers with is 200 for all of them. */
const V2_ROUTES: Record<string, V2Route> = {
  "POST outbound-emails": async (model, ctx, _n, body) => {
    // the v2 send schema needs zod, which costs ~0.3 s to load: only when v2 send is used
    const { parseSendEmailV2 } = await import("./v2-input.js");
    return ops.sendEmailV2(model, ctx, parseSendEmailV2(await body()));
  },
  "POST identities": async (model, ctx, _n, body) => v2.createEmailIdentity(model, ctx, await body()),
  "GET identities": (model, ctx) => v2.listEmailIdentities(model, ctx),
  "GET identities/": (model, ctx, name) => v2.getEmailIdentity(model, ctx, name),
  "DELETE identities/": (model, ctx, name) => v2.deleteEmailIdentity(model, ctx, name),
  "POST configuration-sets": async (model, ctx, _n, body) => sets.createConfigurationSetV2(model, ctx, await body()),
  "GET configuration-sets": (model, ctx) => sets.listConfigurationSetsV2(model, ctx),
  "GET configuration-sets/": (model, ctx, name) => sets.getConfigurationSetV2(model, ctx, name),
  "DELETE configuration-sets/": (model, ctx, name) => sets.deleteConfigurationSetV2(model, ctx, name),
  "POST tags": async (model, ctx, _n, body) => v2.tagResource(model, ctx, await body()),
  "GET tags": (model, ctx, _n, _b, q) => v2.listTagsForResource(model, ctx, q.get("ResourceArn") ?? undefined),
  "DELETE tags": (model, ctx, _n, _b, q) => v2.untagResource(model, ctx, { ResourceArn: q.get("ResourceArn") ?? undefined, TagKeys: q.getAll("TagKeys") }),
};

async function handleV2(model: SesModel, req: IncomingMessage, res: ServerResponse, route: RouteInfo, ctx: CallContext): Promise<void> {
  try {
    const m = /^\/v2\/email\/([a-z-]+)(?:\/([^/]+))?\/?$/.exec(route.path);
    const key = m ? `${route.method} ${m[1]}${m[2] === undefined ? "" : "/"}` : "";
    if (!m || !Object.hasOwn(V2_ROUTES, key)) {
      throw new AwsError(
        "UnknownOperationException",
        `${route.method} ${route.path} is not implemented by the embedded cloud's SES v2 (it serves ${Object.keys(V2_ROUTES).join(", ")} under /v2/email/)`,
        404,
      );
    }
    const body = () => readJson(req);
    sendRestJson(res, ctx, 200, await V2_ROUTES[key]!(model, ctx, decodeURIComponent(m[2] ?? ""), body, route.query));
  } catch (err) {
    if (!isAwsError(err)) throw err;
    sendRestJsonError(res, ctx, err.code === "SerializationException" ? new AwsError("BadRequestException", err.message) : err);
  }
}

/** `GET /_aws/ses[?id=..&email=..]` lists sent mail; `DELETE /_aws/ses[?id=..]` clears it. */
function handleMailbox(model: SesModel, res: ServerResponse, route: RouteInfo, ctx: CallContext): void {
  const id = route.query.get("id") ?? undefined;
  if (route.method === "GET") {
    sendRestJson(res, ctx, 200, { messages: model.messages({ id, email: route.query.get("email") ?? undefined }) });
    return;
  }
  if (route.method === "DELETE") {
    model.clear(id);
    res.writeHead(204, { "x-amzn-requestid": ctx.requestId });
    res.end();
    return;
  }
  sendRestJson(res, ctx, 405, { message: `${route.method} is not allowed on ${MAILBOX_PATH}: use GET to read the mailbox or DELETE to clear it` });
}

export function sesService(model: SesModel): Service {
  const query = { label: "SES", namespace: NAMESPACE, actions: v1Actions(model) };
  return {
    name: "ses",
    claims: (route) => route.path === MAILBOX_PATH || (route.signingService === "ses" && !route.target),
    async handle(req: IncomingMessage, res: ServerResponse, route: RouteInfo, ctx: CallContext) {
      if (route.path === MAILBOX_PATH) return handleMailbox(model, res, route, ctx);
      if (route.path.startsWith("/v2/")) return handleV2(model, req, res, route, ctx);
      await serveQuery(req, res, route, ctx, query);
    },
    snapshot: () => model.snapshot(),
    restore: (state) => model.restore(state as SesSnapshot),
    status: () => ({ messages: model.messages().length }),
  };
}
