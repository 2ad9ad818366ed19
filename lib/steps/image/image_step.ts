/**
 * The image step: a slide image from an OpenAI-compatible `POST /v1/images/generations`, checked to be a whole
 * PNG or JPEG (its checksums checked, its pixels decoded, by ffmpeg where reel's decoder leaves the kind) before it
 * is stored.
 * @module
 */
import { ProviderError } from "../../core/errors.ts";
import { decodedImageProblem, imageProblem } from "../../media/image_problem.ts";
import { imageDimensions } from "../../media/image_dimensions.ts";
import { sniffImage } from "../../media/sniff_media.ts";
import { describeBody } from "../../providers/http/describe_body.ts";
import { callOpenAi, httpTarget, jsonAnswer, jsonErrorMessage } from "../../providers/http/openai_client.ts";
import { takesResponseFormat } from "../../providers/http/openai_models.ts";
import type { StepContext, StepKindDefinition } from "../step_kind.ts";
import type { StepTask } from "../../core/step_task.ts";
import { dropAnswer, keepAnswer, keptAnswer } from "../../providers/http/kept_answer.ts";
import { outputPath } from "../task_fields.ts";

/** Generates the image; its value is `{ bytes, format }`. */
export const imageStep: StepKindDefinition = {
  kind: "image",
  version: 1,
  blocking: false,
  run: async (task, context) => {
    const { signal } = context;
    const target = httpTarget(task.runtime);
    const kept = await keptAnswer(task.answerPath);
    const bytes = kept ?? await askForImage(task, context);
    const format = sniffImage(bytes);
    if (format === null) {
      throw new ProviderError(
        target.provider,
        `returned an image that is not a PNG or JPEG (${describeBody(bytes, { limit: 40, quote: true })})`,
        { retryable: false },
      );
    }
    // Paid for and an image: kept until it is stored, so a run killed while it is decoded does not pay again.
    if (kept === null) await keepAnswer(task.answerPath, bytes);
    // Decoded in full before it is stored: a cut or corrupt image is the provider's bad answer, asked again, and
    // never kept in the store, where every later run would fail on it without asking the provider.
    const problem = await decodedImageProblem(task.ffmpeg, bytes, { signal });
    if (problem !== null) {
      await dropAnswer(task.answerPath);
      throw new ProviderError(
        target.provider,
        `returned a damaged image: ${problem} (${bytes.length.toLocaleString("en-US")} bytes)`,
        { retryable: true },
      );
    }
    // Whole, but not what a slide can draw (a CMYK JPEG): asking again would pay for the same kind of answer.
    const undrawable = imageProblem(bytes, { slide: true, pixels: false });
    if (undrawable !== null) {
      await dropAnswer(task.answerPath);
      throw new ProviderError(target.provider, `returned an image a slide cannot draw: ${undrawable}`, {
        retryable: false,
      });
    }
    const other = otherSize(bytes, (task.params as { size: string }).size);
    if (other !== null) context.warn(other);
    await Deno.writeFile(outputPath(task), bytes, { signal });
    return { bytes: bytes.length, format };
  },
};

/**
 * What to say of an image answered at another size than `asked` (`1536x1024`), or null when it is that size: slides
 * draw it all the same, scaled to cover their frames (fi16: a smaller or square answer was drawn so without a word).
 */
function otherSize(bytes: Uint8Array, asked: string): string | null {
  const got = imageDimensions(bytes);
  const sides = /^(\d+)x(\d+)$/.exec(asked);
  if (got === null || sides === null) return null;
  const [width, height] = [Number(sides[1]), Number(sides[2])];
  if (got.width === width && got.height === height) return null;
  const shape = got.width * height === got.height * width ? "" : ", its edges cut where its shape differs";
  return `the provider answered an image of ${got.width}×${got.height}, not the ${width}×${height} asked: ` +
    `slides draw it scaled to cover their frames${shape}`;
}

/**
 * Why an image came as a URL: a server that ignored the `response_format` reel sent, or, for a gpt-image model (which
 * answers base64 and refuses the field, so reel leaves it out), a compatible server that answers URLs by default
 * (fi16: told that reel had asked for what it had not).
 */
function urlAnswerCause(model: string): string {
  return takesResponseFormat(model)
    ? "reel asks for response_format b64_json, which this server does not honour"
    : `reel leaves out response_format for ${model}, which answers base64 and refuses the field, and this server ` +
      "answers a URL without it: name one of its own models in the image's `model`, for which reel asks for b64_json";
}

/** Asks the API for the image: its answer's `data[0].b64_json`, decoded. */
async function askForImage(
  task: StepTask,
  { signal, reportRateLimit }: StepContext,
): Promise<Uint8Array> {
  const target = httpTarget(task.runtime);
  const { model, prompt, size } = task.params as { model: string; prompt: string; size: string };
  const answer = await callOpenAi(target, {
    path: "/images/generations",
    // gpt-image models always answer in base64 and refuse `response_format`; DALL·E models need it.
    body: {
      json: {
        model,
        prompt,
        size,
        n: 1,
        ...(takesResponseFormat(model) ? { response_format: "b64_json" } : {}),
      },
    },
    signal,
  });
  reportRateLimit(answer.rateLimit);
  // A whole answer of status 200 (a cut one fails before, and is asked again): as for speech.
  const parsed = jsonAnswer(
    target.provider,
    answer,
    (what) => `returned a body that is not JSON (${what}), expected data[0].b64_json`,
  );
  const first = (parsed as { data?: { b64_json?: unknown; url?: unknown }[] } | null)?.data?.[0];
  const encoded = first?.b64_json;
  if (typeof encoded !== "string") {
    const said = jsonErrorMessage(parsed);
    throw new ProviderError(
      target.provider,
      said !== null
        ? `answered with an error instead of an image: ${said}`
        // fi5: a server that answers a URL (it ignores response_format) was told only that b64_json was missing.
        : typeof first?.url === "string"
        ? `returned data[0].url, not data[0].b64_json: ${
          urlAnswerCause(model)
        } (the image is not fetched from a URL)`
        : "returned JSON without data[0].b64_json",
      { retryable: false },
    );
  }
  let bytes: Uint8Array;
  try {
    bytes = Uint8Array.from(atob(encoded), (char) => char.charCodeAt(0));
  } catch (error) {
    throw new ProviderError(target.provider, "returned data[0].b64_json that is not base64", {
      retryable: false,
      cause: error,
    });
  }
  return bytes;
}
