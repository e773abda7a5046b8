import { z } from "zod";
import type { Movie } from "./movie.js";

/** Event names, sent as the SNS message attribute `Type`. */
export const MOVIE_EVENT_TYPES = ["MovieCreated", "MovieUpdated", "MovieDeleted"] as const;
export type MovieEventType = (typeof MOVIE_EVENT_TYPES)[number];

export type MovieEvent =
  | { type: "MovieCreated"; detail: Movie }
  | { type: "MovieUpdated"; detail: Movie }
  | { type: "MovieDeleted"; detail: { id: string } };

const MovieDetailSchema = z.object({
  id: z.string().min(1),
  title: z.string(),
  rating: z.number(),
  genres: z.array(z.string()),
});

/** What the consumer accepts as the message body for each event type. */
export const MOVIE_EVENT_DETAIL_SCHEMAS = {
  MovieCreated: MovieDetailSchema,
  MovieUpdated: MovieDetailSchema,
  MovieDeleted: z.object({ id: z.string().min(1) }),
} as const;

export function isMovieEventType(value: unknown): value is MovieEventType {
  return typeof value === "string" && (MOVIE_EVENT_TYPES as readonly string[]).includes(value);
}
