import { ConditionalCheckFailedException } from "@aws-sdk/client-dynamodb";
import {
  DeleteCommand,
  GetCommand,
  PutCommand,
  ScanCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from "@aws-sdk/lib-dynamodb";
import { toMovie, type Movie, type MovieInput } from "./movie.js";

export interface MoviePage {
  items: Movie[];
  lastKey?: Record<string, unknown>;
}

/** The Movies table (partition key `ID` only) behind the API's resource shape. */
export class MovieRepository {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async get(id: string): Promise<Movie | undefined> {
    const { Item } = await this.client.send(new GetCommand({ TableName: this.tableName, Key: { ID: id } }));
    return Item ? toMovie(Item) : undefined;
  }

  async list(limit: number, startKey?: Record<string, unknown>): Promise<MoviePage> {
    const out = await this.client.send(
      new ScanCommand({ TableName: this.tableName, Limit: limit, ExclusiveStartKey: startKey }),
    );
    return { items: (out.Items ?? []).map(toMovie), lastKey: out.LastEvaluatedKey };
  }

  /** Stores a new movie; the condition guards against overwriting on an id collision. */
  async create(id: string, input: MovieInput): Promise<Movie> {
    const at = this.now().toISOString();
    const item = {
      ID: id,
      Title: input.title,
      Rating: input.rating,
      Genres: new Set(input.genres),
      CreatedAt: at,
      UpdatedAt: at,
    };
    await this.client.send(
      new PutCommand({ TableName: this.tableName, Item: item, ConditionExpression: "attribute_not_exists(ID)" }),
    );
    return toMovie(item);
  }

  /** Replaces title, rating and genres of an existing movie; undefined when there is none (no upsert). */
  async replace(id: string, input: MovieInput): Promise<Movie | undefined> {
    try {
      const { Attributes } = await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { ID: id },
          UpdateExpression: "SET Title = :title, Rating = :rating, Genres = :genres, UpdatedAt = :at",
          ConditionExpression: "attribute_exists(ID)",
          ExpressionAttributeValues: {
            ":title": input.title,
            ":rating": input.rating,
            ":genres": new Set(input.genres),
            ":at": this.now().toISOString(),
          },
          ReturnValues: "ALL_NEW",
        }),
      );
      return Attributes ? toMovie(Attributes) : undefined;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException || (error as Error).name === "ConditionalCheckFailedException") {
        return undefined;
      }
      throw error;
    }
  }

  /** Deletes a movie; returns what was deleted, or undefined when nothing was there. */
  async delete(id: string): Promise<Movie | undefined> {
    const { Attributes } = await this.client.send(
      new DeleteCommand({ TableName: this.tableName, Key: { ID: id }, ReturnValues: "ALL_OLD" }),
    );
    return Attributes ? toMovie(Attributes) : undefined;
  }
}
