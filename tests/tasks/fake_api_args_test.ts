import assert from "node:assert/strict";

const root = new URL("../../", import.meta.url).pathname;

Deno.test("deno task fake-api: a flag it does not know, or a bad value, exits 2 naming it, as reel's commands do", async () => {
  for (
    const [args, said] of [
      [["--bogus"], /unknown option '--bogus'/],
      [["--fail-rate", "abc"], /Expected a share from 0 to 1/],
      [["--rpm", "0"], /option '--rpm <n>' argument '0' is invalid\. Expected a number above 0/],
    ] as const
  ) {
    // Before: exit 1.
    const { code, stderr } = await new Deno.Command(Deno.execPath(), {
      args: ["run", "--allow-all", `${root}tasks/fake_api.ts`, ...args],
      stdin: "null",
      stdout: "null",
      stderr: "piped",
    }).output();
    assert.equal(code, 2, args.join(" "));
    assert.match(new TextDecoder().decode(stderr), said);
  }
});
