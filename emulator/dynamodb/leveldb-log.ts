/**
 * Checks a LevelDB write-ahead log (`NNNNNN.log`) record by record. LevelDB
 * itself, opened without paranoid checks, skips a damaged record and then
 * deletes the log, so a damaged log would silently lose data; and a record
 * whose length runs past the end of the file is taken for a write cut short.
 * Format: 32 KiB blocks of records, each `crc32c (masked) | length u16 | type u8 | data`.
 */
const BLOCK = 32 * 1024;
const HEADER = 7;
const LAST_TYPE = 4; // FULL 1, FIRST 2, MIDDLE 3, LAST 4

const TABLE = (() => {
  const t = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    let c = i;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1;
    t[i] = c >>> 0;
  }
  return t;
})();

function crc32c(data: Uint8Array): number {
  let c = 0xffffffff;
  for (let i = 0; i < data.length; i++) c = TABLE[(c ^ data[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** LevelDB stores checksums masked, so a checksum of data holding checksums stays meaningful. */
function masked(crc: number): number {
  return ((((crc >>> 15) | (crc << 17)) >>> 0) + 0xa282ead8) >>> 0;
}

/** Where the log is damaged, or undefined when every record checks out (a torn last record after good ones is a write cut short, as LevelDB treats it). */
export function damagedLogRecord(log: Buffer): string | undefined {
  let good = 0;
  for (let block = 0; block < log.length; block += BLOCK) {
    const end = Math.min(block + BLOCK, log.length);
    let pos = block;
    while (end - pos >= HEADER) {
      const crc = log.readUInt32LE(pos);
      const length = log.readUInt16LE(pos + 4);
      const type = log[pos + 6]!;
      // A zero header starts the zero-filled rest of a block.
      if (type === 0 && length === 0 && crc === 0) break;
      if (pos + HEADER + length > end) {
        if (end === log.length && good > 0 && type >= 1 && type <= LAST_TYPE) return undefined;
        return `the record at byte ${pos} is longer than its block`;
      }
      if (type < 1 || type > LAST_TYPE) return `the record at byte ${pos} has an unknown type (${type})`;
      if (masked(crc32c(log.subarray(pos + 6, pos + HEADER + length))) !== crc) return `the record at byte ${pos} fails its checksum`;
      good++;
      pos += HEADER + length;
    }
  }
  return undefined;
}
