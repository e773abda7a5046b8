import { readFile } from "node:fs/promises";
import { extname } from "node:path";
import { usageError } from "../errors.js";

export type Row = Record<string, unknown>;

/** Parses RFC 4180 CSV (quoted fields, doubled quotes, CRLF) into records keyed by the header row. */
export function parseCsv(text: string): Row[] {
  const records: string[][] = [];
  let field = "";
  let record: string[] = [];
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"' && field === "") quoted = true;
    else if (c === ",") {
      record.push(field);
      field = "";
    } else if (c === "\n" || c === "\r") {
      if (c === "\r" && text[i + 1] === "\n") i++;
      record.push(field);
      field = "";
      if (record.some((f) => f !== "")) records.push(record);
      record = [];
    } else field += c;
  }
  if (quoted) throw usageError("CSV ends inside a quoted field", "close the quote on the last row");
  record.push(field);
  if (record.some((f) => f !== "")) records.push(record);
  const [header, ...rows] = records;
  if (!header) return [];
  return rows.map((r) => Object.fromEntries(header.map((h, i) => [h.trim(), r[i] ?? ""])));
}

/** Rows from a .json file (an array, or `{ "items": [...] }`) or a .csv file with a header row. */
export async function readRows(path: string): Promise<Row[]> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (e) {
    throw usageError(`cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  const ext = extname(path).toLowerCase();
  if (ext === ".csv") return parseCsv(text);
  if (ext !== ".json") throw usageError(`${path}: seed reads .json or .csv files`, "rename the file or convert it");
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw usageError(`${path} is not valid JSON: ${(e as Error).message}`);
  }
  const rows = Array.isArray(data) ? data : (data as { items?: unknown })?.items;
  if (!Array.isArray(rows)) throw usageError(`${path} must hold a JSON array of movies (or {"items": [...]})`);
  return rows.map((r) => (r !== null && typeof r === "object" && !Array.isArray(r) ? (r as Row) : { value: r }));
}
