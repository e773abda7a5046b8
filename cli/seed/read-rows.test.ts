import { describe, expect, it } from "vitest";
import { parseCsv } from "./read-rows.js";

describe("parseCsv", () => {
  it("reads quoted fields, doubled quotes, commas and CRLF", () => {
    const rows = parseCsv('title,rating,genres\r\n"Heat, the movie",8.3,Crime|Drama\r\n"Say ""hi""",5,Comedy\r\n');
    expect(rows).toEqual([
      { title: "Heat, the movie", rating: "8.3", genres: "Crime|Drama" },
      { title: 'Say "hi"', rating: "5", genres: "Comedy" },
    ]);
  });

  it("fails clearly on an unterminated quote", () => {
    expect(() => parseCsv('title\n"open')).toThrow(/quoted field/);
  });
});
