import assert from "node:assert/strict";
import { WorkflowError } from "../../../lib/core/errors.ts";
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
    message: "OPENAI_BASE_URL is not an http:// or https:// URL: ftp://127.0.0.1/v1",
  }]);
});
