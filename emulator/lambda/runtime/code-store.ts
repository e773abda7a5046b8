import { createHash, randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { mkdir, rename, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import { promisify } from "node:util";
import { inflateRaw, inflateRawSync } from "node:zlib";
import { AwsError } from "../../core/aws-error.js";
import { entryData, readZipEntries, type ZipEntry } from "./zip-entries.js";

const inflateRawAsync = promisify(inflateRaw);

/** Lambda's limits for a zip uploaded in the request and for its unzipped content. */
export const MAX_ZIP_BYTES = 50 * 1024 * 1024;
export const MAX_UNZIPPED_BYTES = 262_144_000;

export interface StoredCode {
  /** hex sha256 of the zip: names the directory and the stored zip */
  sha256Hex: string;
  /** base64 sha256 of the zip, as CodeSha256 in the Lambda API */
  codeSha256: string;
  codeSize: number;
  /** the unzipped code: LAMBDA_TASK_ROOT */
  dir: string;
}

/** The directory holding the SDK packages (`.../node_modules/@aws-sdk`) of this installation. */
export function installedSdkDir(): string | undefined {
  try {
    const pkg = createRequire(import.meta.url).resolve("@aws-sdk/client-lambda/package.json");
    return path.dirname(path.dirname(pkg));
  } catch {
    return undefined;
  }
}

/**
 * Function code on disk, one directory per code version (zip sha256), so
 * environments of old and new code can run side by side while old ones drain.
 *
 *     <root>/package.json          scope boundary: a `.js` handler is CommonJS unless the zip says otherwise, as in /var/task
 *     <root>/node_modules/@aws-sdk the SDK v3 the Node.js runtime provides, linked from this installation
 *     <root>/zips/<sha>.zip        the uploaded zip, served back by GetFunction
 *     <root>/code/<sha>/           the unzipped code
 */
export class CodeStore {
  constructor(
    readonly root: string,
    sdkDir: string | undefined = installedSdkDir(),
  ) {
    mkdirSync(path.join(root, "code"), { recursive: true });
    mkdirSync(path.join(root, "zips"), { recursive: true });
    const boundary = path.join(root, "package.json");
    if (!existsSync(boundary)) writeFileSync(boundary, `${JSON.stringify({ name: "lambda-code-root", private: true })}\n`);
    const sdkLink = path.join(root, "node_modules", "@aws-sdk");
    if (sdkDir && !existsSync(sdkLink)) {
      mkdirSync(path.dirname(sdkLink), { recursive: true });
      symlinkSync(sdkDir, sdkLink, "dir");
    }
  }

  /**
   * Checks a zip and unpacks it off the event loop (zlib's thread pool, async
   * file writes), so a later `put` of the same zip finds it unpacked. The
   * Lambda API calls this first; `put` alone unpacks synchronously.
   */
  async prepare(zip: Uint8Array): Promise<void> {
    const buf = checkedZip(zip);
    const dir = path.join(this.root, "code", createHash("sha256").update(buf).digest("hex"));
    if (existsSync(dir)) return;
    const entries = readZipEntries(buf, MAX_UNZIPPED_BYTES);
    const staging = `${dir}.tmp-${randomBytes(4).toString("hex")}`;
    try {
      await mkdir(staging, { recursive: true });
      for (const entry of entries) {
        const target = path.join(staging, entry.name);
        if (entry.directory) {
          await mkdir(target, { recursive: true });
          continue;
        }
        const data = entry.method === 0 ? entryData(buf, entry) : await inflateRawAsync(entryData(buf, entry), { maxOutputLength: Math.max(1, entry.size) }).catch(() => corrupt(entry));
        if (data.length !== entry.size) corrupt(entry);
        await mkdir(path.dirname(target), { recursive: true });
        await writeFile(target, data);
      }
      if (existsSync(dir)) await rm(staging, { recursive: true, force: true });
      else await rename(staging, dir);
    } catch (err) {
      await rm(staging, { recursive: true, force: true });
      if (existsSync(dir) && !(err instanceof AwsError)) return;
      throw err;
    }
  }

  /** Stores and unzips a function's code; the same zip is unpacked once. */
  put(zip: Uint8Array): StoredCode {
    checkedZip(zip);
    const digest = createHash("sha256").update(zip).digest();
    const sha256Hex = digest.toString("hex");
    const dir = path.join(this.root, "code", sha256Hex);
    if (!existsSync(dir)) this.unpack(zip, dir);
    const zipFile = this.zipPath(sha256Hex);
    if (!existsSync(zipFile)) writeFileSync(zipFile, zip);
    return { sha256Hex, codeSha256: digest.toString("base64"), codeSize: zip.length, dir };
  }

  /** Re-reads a stored zip (state restored from a state directory). */
  get(sha256Hex: string): StoredCode | undefined {
    const zipFile = this.zipPath(sha256Hex);
    if (!existsSync(zipFile)) return undefined;
    return this.put(readFileSync(zipFile));
  }

  zipPath(sha256Hex: string): string {
    return path.join(this.root, "zips", `${sha256Hex}.zip`);
  }

  private unpack(zip: Uint8Array, dir: string): void {
    const buf = Buffer.from(zip.buffer, zip.byteOffset, zip.byteLength);
    // Sizes and names come from the central directory, before anything is inflated.
    const entries = readZipEntries(buf, MAX_UNZIPPED_BYTES);
    const staging = `${dir}.tmp-${randomBytes(4).toString("hex")}`;
    mkdirSync(staging, { recursive: true });
    try {
      for (const entry of entries) {
        const target = path.join(staging, entry.name);
        if (entry.directory) {
          mkdirSync(target, { recursive: true });
          continue;
        }
        const data = entry.method === 0 ? entryData(buf, entry) : inflateEntrySync(buf, entry);
        if (data.length !== entry.size) corrupt(entry);
        mkdirSync(path.dirname(target), { recursive: true });
        writeFileSync(target, data);
      }
      renameSync(staging, dir);
    } catch (err) {
      rmSync(staging, { recursive: true, force: true });
      // Another store instance may have unpacked the same zip meanwhile.
      if (existsSync(dir) && !(err instanceof AwsError)) return;
      throw err;
    }
  }
}

function checkedZip(zip: Uint8Array): Buffer {
  if (zip.length === 0) throw new AwsError("InvalidParameterValueException", "Code.ZipFile is empty: upload a zip archive holding the handler.");
  if (zip.length > MAX_ZIP_BYTES) {
    throw new AwsError("RequestEntityTooLargeException", `Zipped code is ${zip.length} bytes; the limit for a direct upload is ${MAX_ZIP_BYTES} bytes.`, 413);
  }
  return Buffer.from(zip.buffer, zip.byteOffset, zip.byteLength);
}

/** An entry that inflates to other than its declared size is refused: the declared sizes are what the limit checked. */
function corrupt(entry: ZipEntry): never {
  throw new AwsError("InvalidParameterValueException", `Zip entry '${entry.name}' does not inflate to its declared ${entry.size} bytes. Please check your file, then try to upload again.`);
}

function inflateEntrySync(zip: Buffer, entry: ZipEntry): Buffer {
  try {
    return inflateRawSync(entryData(zip, entry), { maxOutputLength: Math.max(1, entry.size) });
  } catch (err) {
    if (err instanceof AwsError) throw err;
    return corrupt(entry);
  }
}
