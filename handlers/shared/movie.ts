import { z } from "zod";

export const TITLE_MAX = 200;
export const GENRES_MAX = 10;
export const GENRE_MAX = 40;
const DYNAMODB_SMALLEST_NUMBER = 1e-130;

// JSON can carry unpaired surrogates ("\ud800") that DynamoDB rejects as
// invalid UTF-8; catching them here keeps such input a 400, not a 500.
const UNPAIRED_SURROGATE = /\p{Surrogate}/u;
function isWellFormed(text: string): boolean {
  return !UNPAIRED_SURROGATE.test(text);
}

/** "x is required" when absent, "x must be ..." when of the wrong type. */
function typeError(field: string, expected: string) {
  return (issue: { input?: unknown }) =>
    issue.input === undefined ? `${field} is required` : `${field} must be ${expected}`;
}

/**
 * The one schema for a movie sent by a client (create and replace). Strict:
 * an unknown field is an error, so a typo like `raiting` is reported instead
 * of silently ignored.
 */
export const MovieInputSchema = z.strictObject({
  title: z
    .string({ error: typeError("title", "a string") })
    .trim()
    .min(1, { error: "title must not be empty" })
    .max(TITLE_MAX, { error: `title must be at most ${TITLE_MAX} characters` })
    .refine(isWellFormed, { error: "title must be valid Unicode text (it holds an unpaired surrogate)" }),
  rating: z
    .number({ error: typeError("rating", "a number from 0 to 10") })
    .min(0, { error: "rating must be at least 0" })
    .max(10, { error: "rating must be at most 10" })
    // DynamoDB stores no number closer to 0 than 1e-130: such a rating would fail at the table, not here.
    .refine((r) => r === 0 || Math.abs(r) >= DYNAMODB_SMALLEST_NUMBER, { error: "rating must be 0 or at least 1e-130 (the smallest number the table stores)" }),
  genres: z
    .array(
      z
        .string({ error: "each genre must be a string" })
        .trim()
        .min(1, { error: "a genre must not be empty" })
        .max(GENRE_MAX, { error: `a genre must be at most ${GENRE_MAX} characters` })
        .refine(isWellFormed, { error: "a genre must be valid Unicode text (it holds an unpaired surrogate)" }),
      { error: typeError("genres", "an array of 1 to 10 strings") },
    )
    .min(1, { error: "genres must hold at least 1 genre" })
    .max(GENRES_MAX, { error: `genres must hold at most ${GENRES_MAX} genres` })
    .superRefine((genres, ctx) => {
      const seen = new Set<string>();
      genres.forEach((genre, index) => {
        if (seen.has(genre)) {
          ctx.addIssue({ code: "custom", path: [index], message: `genre "${genre}" is listed more than once` });
        }
        seen.add(genre);
      });
    }),
}, { error: "the body must be a JSON object with title, rating and genres" });

export type MovieInput = z.infer<typeof MovieInputSchema>;

/** The API resource: hides the table's attribute names. */
export interface Movie {
  id: string;
  title: string;
  rating: number;
  genres: string[];
}

/** The stored item in the Movies table (partition key `ID` only). */
export interface MovieItem {
  ID: string;
  Title: string;
  Rating: number;
  Genres: Set<string>;
  CreatedAt: string;
  UpdatedAt: string;
}

export function toMovie(item: Record<string, unknown>): Movie {
  const genres = item.Genres instanceof Set ? [...item.Genres] : Array.isArray(item.Genres) ? item.Genres : [];
  return {
    id: String(item.ID),
    title: String(item.Title),
    rating: Number(item.Rating),
    genres: (genres as unknown[]).map(String).sort(),
  };
}

/**
 * Movie ids: the UUIDs create-movie assigns, and the short ids seeded data
 * uses (the tutorial's movies are "1" to "4"): 1-64 letters, digits, - and _.
 */
const MOVIE_ID = /^[A-Za-z0-9_-]{1,64}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isMovieId(value: string): boolean {
  return MOVIE_ID.test(value);
}

/** UUIDs compare case-insensitively; other ids are kept exactly as given. */
export function canonicalMovieId(id: string): string {
  return UUID.test(id) ? id.toLowerCase() : id;
}
