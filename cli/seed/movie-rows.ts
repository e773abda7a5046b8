import { createHash } from "node:crypto";
import { MovieInputSchema, type MovieInput } from "../../handlers/shared/movie.js";
import type { Row } from "./read-rows.js";

export interface SeedMovie extends MovieInput {
  id: string;
}

export interface Rejection {
  /** 1-based row number in the input (header excluded) */
  row: number;
  field: string;
  reason: string;
}

/** The tutorial's four movies, with the IDs the tutorial used. */
export const DEFAULT_MOVIES: SeedMovie[] = [
  { id: "1", title: "The Matrix", rating: 8.7, genres: ["Action", "Sci-Fi"] },
  { id: "2", title: "Scott Pilgrim vs. the World", rating: 7.5, genres: ["Action", "Comedy"] },
  { id: "3", title: "Star Wars: Episode IV - A New Hope", rating: 8.6, genres: ["Action", "Adventure", "Fantasy", "Sci-Fi"] },
  { id: "4", title: "Star Wars: Episode V - The Empire Strikes Back", rating: 8.7, genres: ["Action", "Adventure", "Fantasy", "Sci-Fi"] },
];

const pick = (row: Row, ...names: string[]) => {
  for (const n of names) if (row[n] !== undefined && row[n] !== "") return row[n];
  return undefined;
};

/**
 * Maps a row in the API's shape (title, rating, genres) or in the vega-datasets
 * shape (Title, IMDB Rating, Major Genre) to the API's input. CSV cells are text,
 * so numbers and genre lists (separated by | or ;) are converted here and then
 * judged by the API's own schema.
 */
export function candidate(row: Row): Record<string, unknown> {
  const title = pick(row, "title", "Title");
  let rating = pick(row, "rating", "Rating", "IMDB Rating", "IMDB_Rating");
  let genres = pick(row, "genres", "Genres", "Major Genre", "Major_Genre", "genre");
  if (typeof rating === "string" && rating.trim() !== "" && Number.isFinite(Number(rating))) rating = Number(rating);
  if (typeof genres === "string") genres = genres.split(/[|;]/).map((g) => g.trim());
  const out: Record<string, unknown> = { title, rating, genres };
  for (const [k, v] of Object.entries(out)) if (v === undefined) delete out[k];
  return typeof title === "number" ? { ...out, title: String(title) } : out;
}

/** Same movie, same id: re-seeding a file overwrites instead of duplicating. */
export function stableId(movie: MovieInput, explicit?: unknown): string {
  if (typeof explicit === "string" && /^[A-Za-z0-9_-]{1,64}$/.test(explicit)) return explicit;
  const key = JSON.stringify([movie.title, movie.rating, [...movie.genres].sort()]);
  const h = createHash("sha256").update(key).digest("hex");
  // shaped as a UUID (version nibble 5) so seeded ids look like the ones the API assigns
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${((parseInt(h[16]!, 16) & 3) | 8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** Valid rows as movies (rows naming the same movie merged into one, counted in `duplicates`), and every rejection. */
export function validateRows(rows: Row[]): { movies: SeedMovie[]; rejected: Rejection[]; duplicates: number } {
  const movies = new Map<string, SeedMovie>();
  const rejected: Rejection[] = [];
  let duplicates = 0;
  rows.forEach((row, i) => {
    const parsed = MovieInputSchema.safeParse(candidate(row));
    if (!parsed.success) {
      for (const issue of parsed.error.issues) rejected.push({ row: i + 1, field: issue.path.join(".") || "(row)", reason: issue.message });
      return;
    }
    const id = stableId(parsed.data, row.id ?? row.ID);
    if (movies.has(id)) duplicates++;
    movies.set(id, { id, ...parsed.data });
  });
  return { movies: [...movies.values()], rejected, duplicates };
}

const GENRES = ["Action", "Adventure", "Comedy", "Drama", "Fantasy", "Horror", "Romance", "Sci-Fi", "Thriller", "Documentary"];

/** N generated movies with ids gen-1..gen-N, the same every time. */
export function generateMovies(n: number): SeedMovie[] {
  return Array.from({ length: n }, (_, i) => ({
    id: `gen-${i + 1}`,
    title: `Generated Movie ${i + 1}`,
    rating: Math.round(((i * 37) % 101) / 10 * 10) / 10,
    genres: [GENRES[i % GENRES.length]!, GENRES[(i * 7 + 3) % GENRES.length]!].filter((g, j, a) => a.indexOf(g) === j),
  }));
}
