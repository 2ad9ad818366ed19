/**
 * The zod pieces every job kind may use, and the fields every workflow has whatever its jobs: a name, a timeout,
 * the limits and the providers.
 * @module
 */
import { z } from "zod";
import { listed } from "../core/plural.ts";
import { parseSize } from "../core/units.ts";
import { formatTextProblem } from "./formats.ts";

/**
 * The longest id or name a workflow may give (a video's id, a format's name): ids name output files, and a lesson's
 * `<video>.<format>.mp4` written under its temporary name (`.<name>.<pid>-<random>.tmp`, 22 bytes more) must stay
 * under the 255 bytes most file systems allow a name.
 */
export const ID_MAX_LENGTH = 100;

/** A lowercase id: `intro`, `part-2`, at most {@linkcode ID_MAX_LENGTH} characters. */
export const SLUG: RegExp = new RegExp(`^(?=.{1,${ID_MAX_LENGTH}}$)[a-z0-9][a-z0-9_-]*$`);

/** The characters of a {@linkcode SLUG}, as an issue says them. */
const SLUG_CHARACTERS = "small letters a-z, digits, - and _, a letter or digit first";

/**
 * A lowercase id or name that may name output files: one clear issue when it is too long, another when it is not
 * a slug, which says the characters a slug may have.
 *
 * @param message The issue when it is not a slug (`Expected a lowercase id like intro or part-2`).
 * @returns The schema.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { slug } from "./fields.ts";
 * assert.ok(slug("Expected an id").safeParse("part-2").success);
 * assert.equal(
 *   slug("Expected an id").safeParse("Part 2").error?.issues[0]?.message,
 *   "Expected an id (small letters a-z, digits, - and _, a letter or digit first)",
 * );
 * assert.equal(
 *   slug("Expected an id").safeParse("v".repeat(101)).error?.issues[0]?.message,
 *   "Expected at most 100 characters (ids name output files)",
 * );
 * ```
 */
export function slug(message: string): z.ZodString {
  return z.string().max(ID_MAX_LENGTH, `Expected at most ${ID_MAX_LENGTH} characters (ids name output files)`)
    .regex(/^[a-z0-9][a-z0-9_-]*$/, `${message} (${SLUG_CHARACTERS})`);
}

/**
 * A colour like `#1e3a5f` or `#fff`, read as `#rrggbb` in small letters: `#FFF`, `#fff` and `#ffffff` draw the same
 * pixels, so they are one value in the keys (kr2: a capital letter re-rendered every slide).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { color } from "./fields.ts";
 * assert.equal(color.parse("#FFF"), "#ffffff");
 * assert.equal(color.parse("#1E3A5F"), "#1e3a5f");
 * assert.ok(!color.safeParse("#ffff").success);
 * ```
 */
export const color = z.string().regex(
  /^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$/,
  "Expected a colour like #1e3a5f",
).transform((text) =>
  (text.length === 4 ? `#${[...text.slice(1)].map((digit) => digit + digit).join("")}` : text).toLowerCase()
);

/** A format written as text: a preset (`16:9`) or a size (`1280x720`); see `formatTextProblem`. */
export const formatText = z.string().superRefine((text, context) => {
  const problem = formatTextProblem(text);
  if (problem !== null) context.addIssue({ code: "custom", message: problem });
});

/** A UTF-16 surrogate without its pair. */
const LONE_SURROGATE = /\p{Cs}/u;

/**
 * A string with at least one character that is not blank.
 *
 * @param what The field, for the message (`Narration must not be empty`).
 * @returns The schema.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { nonBlank } from "./fields.ts";
 * assert.equal(nonBlank("Title").safeParse(" ").success, false);
 * assert.equal(nonBlank("Caption").safeParse("x\udc00").success, false);
 * ```
 */
export function nonBlank(what: string) {
  return z.string().trim().min(1, `${what} must not be empty`).superRefine((text, context) => {
    // Half of a character (a JSON `\ud800` alone, text cut between the halves of an emoji): drawn as a box, and
    // written as U+FFFD into the subtitles (fi); in a montage's caption or an overlay's text too (rv).
    const half = LONE_SURROGATE.exec(text)?.[0];
    if (half !== undefined) {
      const code = half.charCodeAt(0).toString(16).toUpperCase();
      context.addIssue({
        code: "custom",
        message: `${what} holds half of a character (U+${code}, a surrogate without its pair)`,
      });
    }
  });
}

/** Control characters (C0 and C1, DEL) other than tab, line feed and carriage return. */
// deno-lint-ignore no-control-regex -- finding them is the point
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/;

/**
 * Text that is shown or spoken (a title, a bullet, a narration): not blank, with something visible in it (not only
 * zero-width or format characters, which `trim()` keeps: a title of U+200B drew an empty slide), and without control
 * characters (BEL or ESC went raw into the subtitles).
 *
 * @param what The field, for the messages.
 * @returns The schema.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { shownText } from "./fields.ts";
 * assert.equal(shownText("Title").safeParse("Rain").success, true);
 * assert.equal(shownText("Title").safeParse("\u200b").success, false);
 * assert.equal(shownText("Title").safeParse("Bell\u0007").success, false);
 * assert.equal(shownText("Title").safeParse("x\ud800y").success, false);
 * assert.equal(shownText("Title").safeParse("\u{1F600}").success, true);
 * ```
 */
export function shownText(what: string) {
  return nonBlank(what).superRefine((text, context) => {
    // Blank: said by nonBlank already.
    if (text === "") return;
    if (!/[^\s\p{Cf}\p{Cc}\p{Z}]/u.test(text)) {
      context.addIssue({
        code: "custom",
        message: `${what} must not be empty (it has only invisible characters)`,
      });
      return;
    }
    const control = CONTROL.exec(text)?.[0];
    if (control !== undefined) {
      const code = control.codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0");
      context.addIssue({ code: "custom", message: `${what} holds a control character (U+${code})` });
    }
  });
}

/** A duration in milliseconds, from 1 ms to an hour. */
export const millis = z.number().int().min(1).max(3_600_000);

const positive = z.number().int().min(1).max(4096);
const variable = z.string().regex(/^[A-Z_][A-Z0-9_]*$/, "Expected an environment variable name");

/**
 * A provider's base URL: http or https only (fetch cannot call `ftp://` or `file://`, and would say so late), with no
 * query or fragment (the calls' paths are added after it: `?api-version=1` would end `…=1/v1/audio/speech`; rv3).
 * A `user:password@` is sent (as Basic authorization) but neither keyed nor printed (see `withoutCredentials`).
 */
export const httpUrl = z.url({
  protocol: /^https?$/,
  error: "Expected an http:// or https:// URL like https://api.openai.com",
}).refine(
  (url) => !/[?#]/.test(url),
  "Expected a base URL without ? or #: the calls' paths are added after it",
);

/** An HTTP provider as a workflow writes it. */
export const providerSchema = z.strictObject({
  api: z.literal("openai", 'The only provider API is "openai" (the OpenAI-compatible wire format)'),
  baseUrl: httpUrl.optional(),
  baseUrlEnv: variable.optional(),
  keyEnv: variable.optional(),
  version: z.union([nonBlank("Version"), z.number()]).optional(),
  concurrency: z.number().int().min(1).max(1024).optional(),
  rate: z.strictObject({
    requests: z.number().int().min(1).optional(),
    tokens: z.number().int().min(1).optional(),
    per: oneOf(["second", "minute"]).optional(),
    burst: z.number().int().min(1).optional(),
  }).optional(),
  timeout: millis.optional(),
  retries: z.number().int().min(0).max(20).optional(),
  maxRetryAfter: millis.optional(),
  backoff: z.strictObject({ base: millis.optional(), cap: millis.optional() }).optional(),
  prices: z.strictObject({
    image: z.number().min(0).optional(),
    perMillionCharacters: z.number().min(0).optional(),
    perMinute: z.number().min(0).optional(),
  }).optional(),
});

/** The layered limits as a workflow writes them. */
export const limitsSchema = z.strictObject({
  videos: positive.optional(),
  sections: positive.optional(),
  api: positive.optional(),
  global: positive.optional(),
  custom: positive.optional(),
  workers: positive.optional(),
  cpu: positive.optional(),
  minFreeMemory: z.union([
    z.number().int().min(0),
    z.string().refine((text) => parseSize(text) !== null, 'Expected a size like "512MB" or "1GiB"')
      .transform((text) => parseSize(text)!),
  ]).optional(),
});

/** The fields every workflow has, whatever its jobs. */
export const commonFields = {
  name: z.string().regex(SLUG, `Expected a lowercase name like lesson (${SLUG_CHARACTERS})`).optional(),
  timeout: millis.optional(),
  limits: limitsSchema.optional(),
  providers: z.record(
    z.string().regex(SLUG, `Expected a provider name like openai-images (${SLUG_CHARACTERS})`),
    providerSchema,
  )
    .optional(),
};

/** The common fields as a workflow writes them. */
export type CommonInput = z.output<z.ZodObject<typeof commonFields>>;

/**
 * How a value none of the allowed ones is said: `Expected "grid" or "scroll"` (`toWorkflowIssue` adds the one a
 * misspelling meant).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { expectedOneOf } from "./fields.ts";
 * assert.equal(expectedOneOf(["crop", "pad", "blur"]), 'Expected "crop", "pad" or "blur"');
 * ```
 */
export function expectedOneOf(values: readonly unknown[]): string {
  return `Expected ${listed(values.map((value) => JSON.stringify(value)), "or")}`;
}

/**
 * One of `values`, a mistake said as {@linkcode expectedOneOf} says it (zod's own: `Invalid option: expected one
 * of "grid"|"scroll"`, nt).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { oneOf } from "./fields.ts";
 * assert.equal(oneOf(["a", "b"]).safeParse("c").error?.issues[0]?.message, 'Expected "a" or "b"');
 * ```
 */
export function oneOf<const T extends readonly string[]>(values: T): z.ZodEnum<{ [K in T[number]]: K }> {
  return z.enum(values, expectedOneOf(values));
}
