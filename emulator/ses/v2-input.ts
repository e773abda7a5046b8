import { z } from "zod";
import { AwsError } from "../core/aws-error.js";
import type { SendEmailV2Input } from "./operations.js";

const addresses = z.array(z.string()).optional();
const content = z.object({ Data: z.string(), Charset: z.string().optional() });

/** The JSON body of SES v2 SendEmail, checked before any rule runs so wrong types get a clear BadRequestException. */
const sendEmailV2Schema = z.object({
  FromEmailAddress: z.string().optional(),
  Destination: z.object({ ToAddresses: addresses, CcAddresses: addresses, BccAddresses: addresses }).optional(),
  ReplyToAddresses: addresses,
  Content: z
    .object({
      Simple: z
        .object({
          Subject: content.optional(),
          Body: z.object({ Text: content.optional(), Html: content.optional() }).optional(),
        })
        .optional(),
      Raw: z.object({ Data: z.string() }).optional(),
      Template: z.unknown().optional(),
    })
    .optional(),
  ConfigurationSetName: z.string().optional(),
  EmailTags: z.array(z.object({ Name: z.string(), Value: z.string() })).optional(),
});

export function parseSendEmailV2(body: unknown): SendEmailV2Input {
  const parsed = sendEmailV2Schema.safeParse(body);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const where = issue.path.length > 0 ? issue.path.join(".") : "body";
  throw new AwsError("BadRequestException", `Invalid SendEmail request: ${where}: ${issue.message}`);
}
