/** Just enough RFC 5322 / MIME reading for SendRawEmail: headers, encoded words and the text parts. */

export interface RawMessageHeaders {
  /** header name lower-cased -> values in order */
  headers: Map<string, string[]>;
  body: string;
}

export function parseRawMessage(raw: string): RawMessageHeaders {
  const text = raw.replace(/\r\n/g, "\n");
  const split = text.indexOf("\n\n");
  const head = split < 0 ? text : text.slice(0, split);
  const body = split < 0 ? "" : text.slice(split + 2);
  const headers = new Map<string, string[]>();
  // continuation lines start with whitespace and belong to the previous header
  const unfolded = head.replace(/\n[ \t]+/g, " ").split("\n");
  for (const line of unfolded) {
    const colon = line.indexOf(":");
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    headers.set(name, [...(headers.get(name) ?? []), value]);
  }
  return { headers, body };
}

export function header(msg: RawMessageHeaders, name: string): string | undefined {
  return msg.headers.get(name.toLowerCase())?.[0];
}

/** Decodes RFC 2047 encoded words (`=?UTF-8?B?...?=`, `=?UTF-8?Q?...?=`) in a header value. */
export function decodeEncodedWords(value: string): string {
  return value
    .replace(/(\?=)\s+(=\?)/g, "$1$2") // whitespace between adjacent encoded words is not part of the text
    .replace(/=\?([^?]+)\?([BbQq])\?([^?]*)\?=/g, (_m, charset: string, enc: string, data: string) => {
      const bytes =
        enc.toUpperCase() === "B"
          ? Buffer.from(data, "base64")
          : Buffer.from(data.replace(/_/g, " ").replace(/=([0-9A-Fa-f]{2})/g, (_x, h: string) => String.fromCharCode(parseInt(h, 16))), "latin1");
      const cs = charset.toLowerCase();
      return cs === "utf-8" || cs === "utf8" ? bytes.toString("utf8") : bytes.toString("latin1");
    });
}
