import assert from "node:assert/strict";
import { WorkflowError } from "../../../lib/core/errors.ts";
import { providerEngine } from "../../../lib/plan/provider_settings.ts";
import { callsHostedApi } from "../../../lib/providers/http/openai_client.ts";
import { resolveWorkflow } from "../../../lib/workflow/resolve_workflow.ts";

const where = { file: "workflows/lesson.ts", moduleUrl: "file:///work/workflows/lesson.ts" };
const videos = [{ id: "a", sections: [{ title: "T", narration: "N" }] }];

async function issuesOf(
  value: unknown,
  env: Record<string, string> = {},
): Promise<{ path: string; message: string }[]> {
  try {
    await resolveWorkflow(value, { ...where, env: (name) => env[name] });
  } catch (error) {
    assert.ok(error instanceof WorkflowError, String(error));
    return [...error.issues];
  }
  return [];
}

Deno.test("resolveWorkflow() refuses a provider baseUrl that is not http or https, at its field", async () => {
  for (const baseUrl of ["ftp://127.0.0.1/v1", "file:///tmp/api", "ws://127.0.0.1:8787"]) {
    const issues = await issuesOf({ providers: { x: { api: "openai", baseUrl } }, videos });
    assert.deepEqual(issues, [{
      path: "providers.x.baseUrl",
      message: "Expected an http:// or https:// URL like https://api.openai.com",
    }], baseUrl);
  }
});

Deno.test("resolveWorkflow() takes http and https base URLs", async () => {
  for (const baseUrl of ["http://127.0.0.1:8787", "https://api.openai.com/v1"]) {
    assert.deepEqual(await issuesOf({ providers: { x: { api: "openai", baseUrl } }, videos }), [], baseUrl);
  }
});

Deno.test("resolveWorkflow() refuses a base URL from the environment that is not http or https, naming the variable", async () => {
  const issues = await issuesOf({ providers: { x: { api: "openai" } }, videos }, {
    OPENAI_BASE_URL: "ftp://127.0.0.1/v1",
  });
  assert.deepEqual(issues, [{
    path: "providers.x.baseUrl",
    message:
      "OPENAI_BASE_URL (ftp://127.0.0.1/v1): Expected an http:// or https:// URL like https://api.openai.com",
  }]);
});

Deno.test("resolveWorkflow() refuses a base URL with a query or fragment, in the workflow or the environment", async () => {
  // rv3: the calls' paths were added after it (`?api-version=1/v1/audio/speech`).
  const message = "Expected a base URL without ? or #: the calls' paths are added after it";
  for (const baseUrl of ["http://127.0.0.1:8787/?api-version=1", "http://127.0.0.1:8787/#x"]) {
    assert.deepEqual(await issuesOf({ providers: { x: { api: "openai", baseUrl } }, videos }), [{
      path: "providers.x.baseUrl",
      message,
    }], baseUrl);
    assert.deepEqual(
      await issuesOf({ providers: { x: { api: "openai" } }, videos }, { OPENAI_BASE_URL: baseUrl }),
      [{
        path: "providers.x.baseUrl",
        message: `OPENAI_BASE_URL (${baseUrl}): ${message}`,
      }],
      baseUrl,
    );
  }
});

Deno.test("a base URL's user:password@ is sent but not keyed, and a mistaken one in the environment is printed without it", async () => {
  // rv3: the password went into the keys and the messages; rv4: refusing it broke a server behind Basic auth (fetch
  // sends it so), and a password holding an @ or a # was printed.
  const resolved = async (baseUrl: string) => {
    const workflow = await resolveWorkflow({ providers: { x: { api: "openai", baseUrl } }, videos }, {
      ...where,
      env: () => undefined,
    });
    return workflow.providers.find((provider) => provider.name === "x")!;
  };
  const withPassword = await resolved("http://me:s3cret@127.0.0.1:8787");
  assert.equal(withPassword.baseUrl, "http://me:s3cret@127.0.0.1:8787/v1");
  assert.deepEqual(providerEngine(withPassword), providerEngine(await resolved("http://127.0.0.1:8787")));
  // As the URL parser writes it, or, where it does not parse as meant (a # in the password), cut to its last @.
  const shown = [
    ["ftp://me:p@ss@127.0.0.1:8787", "ftp://127.0.0.1:8787/"],
    ["ftp://me:p#ss@127.0.0.1:8787", "ftp://***@127.0.0.1:8787"],
  ] as const;
  for (const [value, printed] of shown) {
    assert.deepEqual(
      await issuesOf({ providers: { x: { api: "openai" } }, videos }, { OPENAI_BASE_URL: value }),
      [{
        path: "providers.x.baseUrl",
        message:
          `OPENAI_BASE_URL (${printed}): Expected an http:// or https:// URL like https://api.openai.com`,
      }],
      value,
    );
  }
});

Deno.test("the hosted API written with a user:password@ is still checked as the hosted API", async () => {
  // Taken by the text of its URL, https://me:pw@api.openai.com skipped the hosted API's checks.
  const narration = "A sentence of a long narration. ".repeat(140);
  const issues = await issuesOf({
    providers: { x: { api: "openai", baseUrl: "https://me:pw@api.openai.com" } },
    videos: [{ id: "a", sections: [{ title: "T", narration, voice: { provider: "x" } }] }],
  });
  assert.deepEqual(issues.map((issue) => issue.path), ["videos[0].sections[0].narration"]);
  assert.match(
    issues[0]!.message,
    /^The narration has 4479 characters; the speech API takes at most 4096 a call/,
  );
  assert.ok(
    callsHostedApi("https://me:pw@api.openai.com/v1") && !callsHostedApi("http://me:pw@127.0.0.1:8787"),
  );
});
