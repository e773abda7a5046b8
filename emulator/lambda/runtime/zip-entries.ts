import { AwsError } from "../../core/aws-error.js";

/** One entry of a zip's central directory: what the archive declares before anything is inflated. */
export interface ZipEntry {
  name: string;
  directory: boolean;
  /** 0 stored, 8 deflated */
  method: number;
  compressedSize: number;
  size: number;
  /** offset of the entry's local header */
  localOffset: number;
}

const EOCD_SIGNATURE = 0x06054b50;
const CENTRAL_SIGNATURE = 0x02014b50;
const LOCAL_SIGNATURE = 0x04034b50;
const S_IFMT = 0o170000;
const S_IFLNK = 0o120000;
const UNIX = 3;

function invalid(message: string): AwsError {
  return new AwsError("InvalidParameterValueException", message);
}

const unreadable = () => invalid("Could not unzip uploaded file. Please check your file, then try to upload again.");

function endOfCentralDirectory(zip: Buffer): number {
  // The record is 22 bytes plus a comment of at most 65,535: search only that tail.
  for (let i = zip.length - 22; i >= Math.max(0, zip.length - 22 - 0xffff); i--) {
    if (zip.readUInt32LE(i) === EOCD_SIGNATURE) return i;
  }
  throw unreadable();
}

/**
 * Reads and checks the central directory: names that stay inside the code
 * directory, no symlinks, no name that is both a file and a directory, no
 * duplicate, only stored or deflated data, and the declared unzipped size
 * within `maxUnzipped`. Nothing is inflated; the cost is linear in the
 * directory's size.
 */
export function readZipEntries(zip: Buffer, maxUnzipped: number): ZipEntry[] {
  if (zip.length < 22) throw unreadable();
  const eocd = endOfCentralDirectory(zip);
  const count = zip.readUInt16LE(eocd + 10);
  const dirSize = zip.readUInt32LE(eocd + 12);
  const dirOffset = zip.readUInt32LE(eocd + 16);
  if (count === 0xffff || dirOffset === 0xffffffff) throw invalid("ZIP64 archives are not supported: Lambda's limits fit a plain zip.");
  if (dirOffset + dirSize > eocd) throw unreadable();

  const entries: ZipEntry[] = [];
  const files = new Set<string>();
  const dirs = new Set<string>();
  let total = 0;
  let p = dirOffset;
  for (let n = 0; n < count; n++) {
    if (p + 46 > eocd || zip.readUInt32LE(p) !== CENTRAL_SIGNATURE) throw unreadable();
    const madeBy = zip.readUInt16LE(p + 4) >> 8;
    const flags = zip.readUInt16LE(p + 8);
    const method = zip.readUInt16LE(p + 10);
    const compressedSize = zip.readUInt32LE(p + 20);
    const size = zip.readUInt32LE(p + 24);
    const nameLength = zip.readUInt16LE(p + 28);
    const extraLength = zip.readUInt16LE(p + 30);
    const commentLength = zip.readUInt16LE(p + 32);
    const external = zip.readUInt32LE(p + 38);
    const localOffset = zip.readUInt32LE(p + 42);
    if (p + 46 + nameLength > eocd) throw unreadable();
    const name = zip.toString("utf8", p + 46, p + 46 + nameLength);
    p += 46 + nameLength + extraLength + commentLength;

    if (flags & 1) throw invalid(`Zip entry '${name}' is encrypted; upload an unencrypted zip.`);
    const directory = name.endsWith("/");
    const clean = directory ? name.slice(0, -1) : name;
    const segments = clean.split("/");
    if (clean === "" || name.startsWith("/") || name.includes("\\") || name.includes("\0") || /^[A-Za-z]:/.test(name) || segments.some((s) => s === "" || s === "." || s === "..")) {
      throw invalid(`Zip entry '${name}' is not a relative path inside the archive (no '.', '..', empty or absolute parts); rebuild the zip from the code folder.`);
    }
    if (madeBy === UNIX && ((external >>> 16) & S_IFMT) === S_IFLNK) {
      throw invalid(`Zip entry '${name}' is a symbolic link; the embedded cloud takes regular files and directories only.`);
    }
    if (!directory && method !== 0 && method !== 8) throw invalid(`Zip entry '${name}' uses compression method ${method}; use deflate or store.`);
    if (compressedSize === 0xffffffff || size === 0xffffffff || localOffset === 0xffffffff) throw invalid("ZIP64 archives are not supported: Lambda's limits fit a plain zip.");
    if (localOffset + 30 > dirOffset) throw unreadable();

    // Every parent is a directory; a name may not be a file and a directory at once.
    for (let i = 1; i < segments.length; i++) {
      const parent = segments.slice(0, i).join("/");
      if (files.has(parent)) throw invalid(`Zip entry '${name}' lies under '${parent}', which is also a file in the archive.`);
      dirs.add(parent);
    }
    if (directory) {
      if (files.has(clean)) throw invalid(`Zip entry '${name}' names a directory and a file of the same name.`);
      dirs.add(clean);
    } else {
      if (dirs.has(clean)) throw invalid(`Zip entry '${name}' names a file and a directory of the same name.`);
      if (files.has(clean)) throw invalid(`Zip entry '${name}' appears twice in the archive.`);
      files.add(clean);
    }
    total += size;
    if (total > maxUnzipped) throw invalid(`Unzipped size must be smaller than ${maxUnzipped} bytes`);
    entries.push({ name: clean, directory, method, compressedSize, size, localOffset });
  }
  return entries;
}

/** Where an entry's data starts, read from its local header (whose name and extra lengths may differ from the central directory's). */
export function entryData(zip: Buffer, entry: ZipEntry): Buffer {
  const p = entry.localOffset;
  if (zip.readUInt32LE(p) !== LOCAL_SIGNATURE) throw unreadable();
  const start = p + 30 + zip.readUInt16LE(p + 26) + zip.readUInt16LE(p + 28);
  if (start + entry.compressedSize > zip.length) throw unreadable();
  return zip.subarray(start, start + entry.compressedSize);
}
