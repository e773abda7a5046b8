import type { MovieEvent } from "./movie-events.js";

export interface Email {
  subject: string;
  body: string;
}

/** The notification for one movie event: subject and plain-text body per event type. */
export function emailFor(event: MovieEvent): Email {
  switch (event.type) {
    case "MovieCreated":
      return {
        subject: `New Movie Added: ${event.detail.title}`,
        body: `A new movie was added.\n\n${describe(event.detail)}`,
      };
    case "MovieUpdated":
      return {
        subject: `Movie Updated: ${event.detail.title}`,
        body: `A movie was updated.\n\n${describe(event.detail)}`,
      };
    case "MovieDeleted":
      return {
        subject: `Movie Deleted. ID: ${event.detail.id}`,
        body: `The movie with ID ${event.detail.id} was deleted.`,
      };
  }
}

function describe(movie: { id: string; title: string; rating: number; genres: string[] }): string {
  return [`Title: ${movie.title}`, `Rating: ${movie.rating}`, `Genres: ${movie.genres.join(", ")}`, `ID: ${movie.id}`].join("\n");
}
