import { Construct, SesConfigurationSet, SesEmailIdentity } from "../cdktf.js";
import { physicalName, type StackConfig } from "../config.js";

/** SES identities and a configuration set for the notification mail. */
export class Email extends Construct {
  readonly sender: SesEmailIdentity;
  readonly configurationSet: SesConfigurationSet;

  constructor(scope: Construct, id: string, config: StackConfig) {
    super(scope, id);
    this.sender = new SesEmailIdentity(this, "sender", { email: config.senderEmail });
    this.sender.overrideLogicalId("sender_identity");
    // A new account is in the SES sandbox, where the recipient must be verified too.
    if (config.recipientEmail.toLowerCase() !== config.senderEmail.toLowerCase()) {
      const recipient = new SesEmailIdentity(this, "recipient", { email: config.recipientEmail });
      recipient.overrideLogicalId("recipient_identity");
    }
    this.configurationSet = new SesConfigurationSet(this, "configuration_set", {
      name: physicalName(config, "movies-notifications"),
    });
    this.configurationSet.overrideLogicalId("notifications_configuration_set");
  }
}
