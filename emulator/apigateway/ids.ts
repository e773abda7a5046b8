import { randomBytes } from "node:crypto";
import { AwsError } from "../core/aws-error.js";

const ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";

/** API Gateway ids (rest APIs, resources, deployments, keys, plans) are 10 lowercase alphanumerics. */
export function newId(length = 10): string {
  return [...randomBytes(length)].map((b) => ALPHABET[b % ALPHABET.length]).join("");
}

/** The tag LocalStack reads on CreateRestApi to choose the API's id, so a saved URL stays valid. */
export const CUSTOM_ID_TAG = "_custom_id_";

/**
 * A custom id becomes part of every invoke URL (and of `{id}.execute-api...`
 * host names on AWS), so it keeps AWS's alphabet: lowercase letters and digits,
 * at most AWS's 10 characters.
 */
export function validCustomId(id: string): string {
  if (!/^[a-z0-9]{1,10}$/.test(id)) {
    throw new AwsError(
      "BadRequestException",
      `Invalid ${CUSTOM_ID_TAG} tag value "${id}": a REST API id is 1 to 10 lowercase letters and digits (a-z, 0-9).`,
    );
  }
  return id;
}

