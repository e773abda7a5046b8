import {
  ConditionalCheckFailedException,
  DeleteItemCommand,
  GetItemCommand,
  PutItemCommand,
  ScanCommand,
  UpdateItemCommand,
  type AttributeValue,
  type DynamoDBClient,
} from "@aws-sdk/client-dynamodb";
import { marshall, unmarshall } from "@aws-sdk/util-dynamodb";
import { toMovie, type Movie, type MovieInput } from "./movie.js";

// Items are marshalled here rather than through lib-dynamodb's document
// client: its commands rebuild the middleware stack on every call, while a
// plain client with cacheMiddleware resolves it once (see aws-clients.ts).
const MARSHALL = { removeUndefinedValues: true };
const toAttributes = (value: Record<string, unknown>): Record<string, AttributeValue> => marshall(value, MARSHALL);
const fromAttributes = (item: Record<string, AttributeValue> | undefined) => (item ? toMovie(unmarshall(item)) : undefined);

export interface MoviePage {
  items: Movie[];
  lastKey?: Record<string, unknown>;
}

/** The Movies table (partition key `ID` only) behind the API's resource shape. */
export class MovieRepository {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async get(id: string): Promise<Movie | undefined> {
    const { Item } = await this.client.send(new GetItemCommand({ TableName: this.tableName, Key: toAttributes({ ID: id }) }));
    return fromAttributes(Item);
  }

  async list(limit: number, startKey?: Record<string, unknown>): Promise<MoviePage> {
    const out = await this.client.send(
      new ScanCommand({ TableName: this.tableName, Limit: limit, ExclusiveStartKey: startKey ? toAttributes(startKey) : undefined }),
    );
    return { items: (out.Items ?? []).map((item) => toMovie(unmarshall(item))), lastKey: out.LastEvaluatedKey ? unmarshall(out.LastEvaluatedKey) : undefined };
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
      new PutItemCommand({ TableName: this.tableName, Item: toAttributes(item), ConditionExpression: "attribute_not_exists(ID)" }),
    );
    return toMovie(item);
  }

  /** Replaces title, rating and genres of an existing movie; undefined when there is none (no upsert). */
  async replace(id: string, input: MovieInput): Promise<Movie | undefined> {
    try {
      const { Attributes } = await this.client.send(
        new UpdateItemCommand({
          TableName: this.tableName,
          Key: toAttributes({ ID: id }),
          UpdateExpression: "SET Title = :title, Rating = :rating, Genres = :genres, UpdatedAt = :at",
          ConditionExpression: "attribute_exists(ID)",
          ExpressionAttributeValues: toAttributes({
            ":title": input.title,
            ":rating": input.rating,
            ":genres": new Set(input.genres),
            ":at": this.now().toISOString(),
          }),
          ReturnValues: "ALL_NEW",
        }),
      );
      return fromAttributes(Attributes);
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
      new DeleteItemCommand({ TableName: this.tableName, Key: toAttributes({ ID: id }), ReturnValues: "ALL_OLD" }),
    );
    return fromAttributes(Attributes);
  }
}
