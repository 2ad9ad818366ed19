/**
 * The few S3 calls the object store makes (get, conditional put, delete), signed with SigV4 by aws4fetch, against
 * AWS or any S3-compatible endpoint (`AWS_ENDPOINT_URL`, path-style). Keys come from the usual AWS variables and
 * never appear in messages.
 * @module
 */
import { AwsClient } from "aws4fetch";
import { InputError, messageOf } from "../core/errors.ts";

/** Where a store's objects are: a bucket and a prefix inside it. */
export interface S3Location {
  bucket: string;
  /** The prefix, without leading or trailing slash ("" for the bucket's root). */
  prefix: string;
}

/**
 * Parses `s3://bucket/prefix`.
 *
 * @param location The store's location.
 * @returns The bucket and prefix.
 * @throws {InputError} When it is not `s3://bucket[/prefix]`.
 */
export function parseS3Location(location: string): S3Location {
  const match = /^s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])(?:\/(.*))?$/.exec(location);
  if (match === null) {
    throw new InputError(`${location} is not an S3 location`, {
      where: "--store",
      hint: "Use s3://bucket/prefix (a bucket name of lowercase letters, digits, dots and dashes)",
    });
  }
  return { bucket: match[1]!, prefix: (match[2] ?? "").replace(/^\/+|\/+$/g, "") };
}

/** A bucket's objects under a prefix. */
export class S3Client {
  /** Signs and sends; a 5xx or 429 is tried again, up to 10 times over about half a minute. */
  readonly #aws: AwsClient;
  /** The same for the first question to the bucket, tried 3 times in about a third of a second. */
  readonly #asking: AwsClient;
  readonly #base: string;

  /**
   * @param location The bucket and prefix.
   * @param env Reads `AWS_ENDPOINT_URL`, `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN` and
   * `AWS_REGION`.
   * @throws {InputError} When the keys are not set.
   */
  constructor(location: S3Location, env: (name: string) => string | undefined) {
    const accessKeyId = env("AWS_ACCESS_KEY_ID");
    const secretAccessKey = env("AWS_SECRET_ACCESS_KEY");
    if (!accessKeyId || !secretAccessKey) {
      throw new InputError(`No keys for the S3 store s3://${location.bucket}`, {
        hint: "Set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (and AWS_ENDPOINT_URL for a non-AWS server)",
      });
    }
    const region = env("AWS_REGION") || env("AWS_DEFAULT_REGION") || "us-east-1";
    const sessionToken = env("AWS_SESSION_TOKEN") || undefined;
    const credentials = { accessKeyId, secretAccessKey, sessionToken, region, service: "s3" };
    this.#aws = new AwsClient(credentials);
    this.#asking = new AwsClient({ ...credentials, retries: 2 });
    const endpoint = (env("AWS_ENDPOINT_URL_S3") || env("AWS_ENDPOINT_URL") || "").replace(/\/+$/, "");
    const root = endpoint === ""
      ? `https://${location.bucket}.s3.${region}.amazonaws.com`
      : `${endpoint}/${location.bucket}`;
    this.#base = location.prefix === "" ? root : `${root}/${encodePath(location.prefix)}`;
  }

  /**
   * Reads an object.
   *
   * @param name The object's name under the prefix.
   * @returns Its bytes, or null when there is none.
   */
  async get(name: string): Promise<Uint8Array | null> {
    const response = await this.#send("GET", name);
    if (response.status === 404) {
      await response.body?.cancel();
      return null;
    }
    await this.#check(response, "GET", name);
    return new Uint8Array(await response.arrayBuffer());
  }

  /**
   * Writes an object; with `ifAbsent`, only when none is there (servers that honour `If-None-Match: *`).
   *
   * @param name The object's name under the prefix.
   * @param body Its bytes.
   * @param options `ifAbsent`: do not replace an existing object.
   * @returns False when `ifAbsent` and the object exists.
   */
  async put(name: string, body: Uint8Array, options: { ifAbsent?: boolean } = {}): Promise<boolean> {
    const headers: Record<string, string> = {};
    if (options.ifAbsent === true) headers["if-none-match"] = "*";
    const response = await this.#send("PUT", name, { body, headers });
    if (response.status === 412) {
      await response.body?.cancel();
      return false;
    }
    await this.#check(response, "PUT", name);
    await response.body?.cancel();
    return true;
  }

  /**
   * Removes an object (nothing happens when there is none).
   *
   * @param name The object's name under the prefix.
   */
  async delete(name: string): Promise<void> {
    const response = await this.#send("DELETE", name);
    if (response.status !== 404) await this.#check(response, "DELETE", name);
    await response.body?.cancel();
  }

  /**
   * Checks that the bucket answers, before a render reads it: a read of an object that is not there.
   *
   * @throws {InputError} Naming the bucket's address and why: it cannot be reached, it is not there, or it refuses
   * the read (fi: a render failed with fetch's words and a stack trace, exit 1); a server error is said after three
   * tries, not half a minute of them.
   */
  async reachable(): Promise<void> {
    const where = { where: "--store", hint: STORE_HINT };
    let response: Response;
    try {
      response = await this.#send("GET", ".reel-reachable", { aws: this.#asking });
    } catch (error) {
      const cause = error instanceof Error && error.cause !== undefined ? `: ${messageOf(error.cause)}` : "";
      throw new InputError(`Cannot reach the S3 store at ${this.#base}: ${messageOf(error)}${cause}`, where);
    }
    if (response.ok) {
      await response.body?.cancel();
      return;
    }
    const text = await response.text();
    if (response.status === 404 && !/<Code>NoSuchBucket</.test(text)) return;
    throw new InputError(
      `The S3 store at ${this.#base} refused a read (${response.status}): ${errorCode(text)}`,
      where,
    );
  }

  #send(
    method: string,
    name: string,
    init: { body?: Uint8Array; headers?: Record<string, string>; aws?: AwsClient } = {},
  ): Promise<Response> {
    return (init.aws ?? this.#aws).fetch(`${this.#base}/${encodePath(name)}`, {
      method,
      headers: init.headers,
      body: init.body as BodyInit | undefined,
    });
  }

  async #check(response: Response, method: string, name: string): Promise<void> {
    if (response.ok) return;
    throw new Error(
      `S3 ${method} ${name} failed with ${response.status}: ${errorCode(await response.text())}`,
    );
  }
}

/** What an S3 error's answer says: its `<Code>`, or its first 300 characters (a page that is not S3's). */
function errorCode(text: string): string {
  return /<Code>([^<]+)<\/Code>/.exec(text)?.[1] ?? text.slice(0, 300);
}

/** What to look at when a bucket does not answer as a store. */
const STORE_HINT =
  "Check the bucket's name, AWS_ENDPOINT_URL (for a server other than AWS), the keys and AWS_REGION";

function encodePath(path: string): string {
  return path.split("/").map(encodeURIComponent).join("/");
}
