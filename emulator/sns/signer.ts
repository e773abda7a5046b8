import { createSign, generateKeyPair, generateKeyPairSync, type KeyObject } from "node:crypto";

/**
 * Signs notifications the way SNS does (SignatureVersion 1: SHA1withRSA,
 * 2: SHA256withRSA over the canonical fields), with a key made for this
 * process. Subscribers can check the signature against the public key served
 * at the SigningCertURL; it is not an AWS certificate, so validators that pin
 * `sns.<region>.amazonaws.com` will refuse it, as they should.
 */
export class NotificationSigner {
  private key?: { privateKey: KeyObject; publicKey: KeyObject };
  private warming = false;

  /** Makes the key in the background (it takes a few hundred ms), so the first notification does not wait for it. */
  warm(): void {
    if (this.key || this.warming) return;
    this.warming = true;
    generateKeyPair("rsa", { modulusLength: 2048 }, (err, publicKey, privateKey) => {
      if (!err) this.key ??= { publicKey, privateKey };
    });
  }

  private keys(): { privateKey: KeyObject; publicKey: KeyObject } {
    this.key ??= generateKeyPairSync("rsa", { modulusLength: 2048 });
    return this.key;
  }

  sign(stringToSign: string, version: "1" | "2"): string {
    const signer = createSign(version === "2" ? "RSA-SHA256" : "RSA-SHA1");
    signer.update(stringToSign, "utf8");
    return signer.sign(this.keys().privateKey, "base64");
  }

  publicKeyPem(): string {
    return this.keys().publicKey.export({ type: "spki", format: "pem" }).toString();
  }
}

/** The canonical string SNS signs for a Notification. */
export function notificationStringToSign(n: { message: string; messageId: string; subject?: string; timestamp: string; topicArn: string }): string {
  let s = `Message\n${n.message}\nMessageId\n${n.messageId}\n`;
  if (n.subject !== undefined) s += `Subject\n${n.subject}\n`;
  return s + `Timestamp\n${n.timestamp}\nTopicArn\n${n.topicArn}\nType\nNotification\n`;
}
