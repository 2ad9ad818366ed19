/**
 * A toy job kind, written by following ARCHITECTURE.md: a workflow's `wordCounts` field lists texts; each text's
 * words are counted by a step, and a last step adds the counts up into `<name>.words.txt`.
 * @module
 */
import { z } from "zod";
import { nonBlank, SLUG } from "../../../lib/schema/fields.ts";
import type { JobKind } from "../../../lib/schema/job_kind.ts";
import { kindFields } from "../../../lib/steps/step_kind.ts";
import { wordCountStep, wordTotalStep } from "./word_count_steps.ts";

/** 1. The fields the kind owns in a workflow file. */
const fields = {
  wordCounts: z.array(z.strictObject({ id: z.string().regex(SLUG), text: nonBlank("Text") })).min(1)
    .optional(),
};

/** 2. What it resolves to. */
interface WordCounts {
  texts: { id: string; text: string }[];
}

const common = {
  runtime: {},
  scope: { item: null, part: null },
  provider: null,
  tokenCost: 0,
  engine: null,
  cpu: false,
  retries: 0,
  backoff: { base: 0, cap: 0 },
  timeout: { ms: 10_000, perMediaSecond: 0 },
  extension: "txt",
};

/** 3. The kind itself. */
export const wordCountKind: JobKind<typeof fields, WordCounts> = {
  name: "words",
  fields,
  stepKinds: [wordCountStep, wordTotalStep],
  resolve: (input, context) => {
    if (input.wordCounts === undefined) return Promise.resolve(null);
    const ids = new Set<string>();
    for (const [i, { id }] of input.wordCounts.entries()) {
      if (ids.has(id)) context.issues.push({ path: `wordCounts[${i}].id`, message: `Duplicate id "${id}"` });
      ids.add(id);
    }
    return Promise.resolve({ texts: input.wordCounts });
  },
  plan: (job, context) => {
    const counts = job.texts.map((text) => ({
      ...common,
      ...kindFields(wordCountStep),
      id: `words/${text.id}`,
      params: { text: text.text },
      deps: [],
      output: null,
      workflow: context.file,
    }));
    const name = context.file.split("/").pop()!.replace(/\.\w+$/, "");
    const total = {
      ...common,
      ...kindFields(wordTotalStep),
      id: "words/total",
      params: {},
      deps: counts.map((step) => step.id),
      output: `${name}.words.txt`,
      workflow: context.file,
    };
    return { steps: [...counts, total], templates: [] };
  },
  describe: (job) => [`${job.texts.length} texts to count`],
  engines: () => new Set(),
  preflight: () => Promise.resolve([]),
  idsField: "wordCounts",
  ids: (job) => job.texts.map((text) => text.id),
  narrow: (job, filters) => {
    const texts = filters.only === null
      ? job.texts
      : job.texts.filter((text) => filters.only!.includes(text.id));
    return texts.length === 0 ? null : { texts };
  },
};
