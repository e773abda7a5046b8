import type { ResourceProviders } from "../stack/engine.js";
import { need } from "./args.js";
import type { ProviderDeps } from "./deps.js";

/** SES identities are verified at once: there is no mailbox to click a link in. */
export function sesProviders(deps: ProviderDeps): ResourceProviders {
  return {
    aws_ses_email_identity: {
      create(args, ctx) {
        const email = need(args, "email", ctx).replace(/\.$/, "");
        deps.ses.verifyEmail(ctx.region, email);
        return { id: email, email, arn: `arn:${ctx.partition}:ses:${ctx.region}:${deps.accountId}:identity/${email}` };
      },
      delete(prior, ctx) {
        deps.ses.deleteIdentity(ctx.region, String(prior.attributes.id));
      },
    },
    aws_ses_domain_identity: {
      create(args, ctx) {
        const domain = need(args, "domain", ctx).replace(/\.$/, "");
        deps.ses.verifyDomain(ctx.region, domain);
        return { id: domain, domain, arn: `arn:${ctx.partition}:ses:${ctx.region}:${deps.accountId}:identity/${domain}`, verification_token: "emulated" };
      },
      delete(prior, ctx) {
        deps.ses.deleteIdentity(ctx.region, String(prior.attributes.id));
      },
    },
    aws_ses_configuration_set: {
      create(args, ctx) {
        const name = need(args, "name", ctx);
        deps.ses.createConfigurationSet(ctx.region, name);
        return { id: name, name, arn: `arn:${ctx.partition}:ses:${ctx.region}:${deps.accountId}:configuration-set/${name}` };
      },
      update: () => ({}),
      delete(prior, ctx) {
        deps.ses.deleteConfigurationSet(ctx.region, String(prior.attributes.name));
      },
      replaceOn: ["name"],
    },
  };
}
