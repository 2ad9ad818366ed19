import assert from "node:assert/strict";
import S3rver from "s3rver";
import { InputError } from "../../../lib/core/errors.ts";
import { sha256File } from "../../../lib/core/sha256.ts";
import { S3Store } from "../../../lib/store/s3_store.ts";
import { parseS3Location, S3Client } from "../../../lib/store/_s3_client.ts";
import { tempDir } from "../../_support/temp_dir.ts";

/** A local S3-compatible server with one bucket, and the environment that points a store at it. */
async function bucket() {
  const server = new S3rver({
    port: 0,
    address: "127.0.0.1",
    directory: await tempDir("reel-s3-"),
    silent: true,
    configureBuckets: [{ name: "reel" }],
  });
  const { port } = await server.run();
  const vars: Record<string, string> = {
    AWS_ENDPOINT_URL: `http://127.0.0.1:${port}`,
    AWS_ACCESS_KEY_ID: "S3RVER",
    AWS_SECRET_ACCESS_KEY: "S3RVER",
  };
  return { env: (name: string) => vars[name], [Symbol.asyncDispose]: () => server.close() };
}

const KEY = "c".repeat(64);

Deno.test("S3Store: a committed artifact is found from another host's cache, checked, with its value and children", async () => {
  await using s3 = await bucket();
  const one = new S3Store("s3://reel/course", { cacheDir: await tempDir(), env: s3.env });
  const two = new S3Store("s3://reel/course", { cacheDir: await tempDir(), env: s3.env });
  try {
    assert.equal(await one.lookup(KEY), null);
    const scratch = await one.scratch(KEY);
    await Deno.writeTextFile(`${scratch}/artifact.txt`, "bytes of a clip");
    const committed = await one.commit(KEY, {
      file: `${scratch}/artifact.txt`,
      extension: "txt",
      value: { duration: 2 },
      children: [{ step: "c", params: {} }],
      required: true,
    });
    assert.equal(await Deno.readTextFile(committed.path!), "bytes of a clip");
    const peeked = await two.peek(KEY);
    assert.ok(peeked !== null && peeked.path !== null);
    const found = await two.lookup(KEY);
    assert.ok(found !== null && found.path !== null && found.path !== committed.path);
    assert.equal(await sha256File(found.path), await sha256File(committed.path!));
    assert.deepEqual([found.value, found.children], [{ duration: 2 }, [{ step: "c", params: {} }]]);
    // A damaged local copy is fetched again; a value-only step has no file.
    await Deno.writeTextFile(found.path, "damaged");
    assert.equal(await Deno.readTextFile((await two.lookup(KEY))!.path!), "bytes of a clip");
    const value = await one.commit("d".repeat(64), { file: null, extension: null, value: 7, children: [] });
    assert.deepEqual([value.path, (await two.lookup("d".repeat(64)))?.value], [null, 7]);
  } finally {
    one.close();
    two.close();
  }
});

Deno.test("S3Store: a link at the artifact's path is kept as a copy, the linked file untouched", async () => {
  // rv7: a folder store copied it (fi5), an S3 store's local cache kept the link.
  await using s3 = await bucket();
  const store = new S3Store("s3://reel/course", { cacheDir: await tempDir(), env: s3.env });
  try {
    const theirs = `${await tempDir()}/theirs.txt`;
    await Deno.writeTextFile(theirs, "their bytes");
    const scratch = await store.scratch(KEY);
    await Deno.symlink(theirs, `${scratch}/artifact.txt`);
    const committed = await store.commit(KEY, {
      file: `${scratch}/artifact.txt`,
      extension: "txt",
      value: 1,
      children: [],
    });
    assert.ok((await Deno.lstat(committed.path!)).isFile);
    assert.equal(await Deno.readTextFile(committed.path!), "their bytes");
    await Deno.writeTextFile(theirs, "changed later");
    assert.equal(await Deno.readTextFile(committed.path!), "their bytes");
  } finally {
    store.close();
  }
});

Deno.test("S3Store: the first writer of a key wins until the entry is removed, and a step that wrote no required file stores nothing", async () => {
  await using s3 = await bucket();
  const one = new S3Store("s3://reel/p", { cacheDir: await tempDir(), env: s3.env });
  const two = new S3Store("s3://reel/p", { cacheDir: await tempDir(), env: s3.env });
  try {
    const write = async (store: S3Store, text: string) => {
      const scratch = await store.scratch(KEY);
      await Deno.writeTextFile(`${scratch}/a.txt`, text);
      return await store.commit(KEY, {
        file: `${scratch}/a.txt`,
        extension: "txt",
        value: text,
        children: [],
      });
    };
    await write(one, "first");
    const second = await write(two, "second");
    assert.equal(second.value, "first");
    assert.equal(await Deno.readTextFile(second.path!), "first");
    // A removed entry (its value could not be right) is gone for every host, and the next writer's is kept.
    await two.remove(KEY);
    assert.equal(await one.lookup(KEY), null);
    assert.equal(await two.peek(KEY), null);
    const third = await write(one, "third");
    assert.equal(third.value, "third");
    assert.equal(await Deno.readTextFile((await two.lookup(KEY))!.path!), "third");
    await one.remove("f".repeat(64));
    await assert.rejects(
      one.commit("e".repeat(64), {
        file: "/nonexistent/x",
        extension: "x",
        value: 1,
        children: [],
        required: true,
      }),
      /wrote no artifact/,
    );
    assert.equal(await one.peek("e".repeat(64)), null);
  } finally {
    one.close();
    two.close();
  }
});

Deno.test("S3Store: a record whose value was changed in the bucket (valid JSON, another value) is not served", async () => {
  // Before: served as stored (the local store refused it, the bucket's did not).
  await using s3 = await bucket();
  const store = new S3Store("s3://reel/course", { cacheDir: await tempDir(), env: s3.env });
  try {
    await store.commit(KEY, { file: null, extension: null, value: { duration: 2 }, children: [] });
    assert.deepEqual((await store.lookup(KEY))?.value, { duration: 2 });
    const client = new S3Client(parseS3Location("s3://reel/course"), s3.env);
    const name = `entries/${KEY}/record.json`;
    const record = JSON.parse(new TextDecoder().decode((await client.get(name))!));
    await client.put(name, new TextEncoder().encode(JSON.stringify({ ...record, value: { duration: 3 } })));
    assert.equal(await store.lookup(KEY), null);
    // Made again, its result replaces the damaged record, on a server that honours If-None-Match as S3 does
    // (s3rver does not: the conditional put is made to refuse an object that is there). Before: refused for good,
    // "its entry is damaged" at every render.
    const put = S3Client.prototype.put;
    S3Client.prototype.put = async function (this: S3Client, object, body, options = {}) {
      if (options.ifAbsent === true && (await this.get(object)) !== null) return false;
      return await put.call(this, object, body, options);
    };
    try {
      await store.commit(KEY, { file: null, extension: null, value: { duration: 4 }, children: [] });
    } finally {
      S3Client.prototype.put = put;
    }
    assert.deepEqual((await store.lookup(KEY))?.value, { duration: 4 });
  } finally {
    store.close();
  }
});

Deno.test("S3Store: reachable() passes a bucket that answers and names the bucket's address and why for one that does not", async () => {
  // Before: a render on an S3 endpoint that could not be reached, or answered with an error page, failed with
  // fetch's words and a stack trace, exit 1 (fi).
  await using s3 = await bucket();
  const open = (location: string, env: (name: string) => string | undefined) =>
    new S3Store(location, { cacheDir: "/nonexistent", env });
  const refused = async (store: S3Store, said: RegExp) => {
    await assert.rejects(store.reachable(), (error: unknown) => {
      assert.ok(error instanceof InputError);
      assert.match(error.message, said);
      assert.equal(error.where, "--store");
      return true;
    });
    store.close();
  };
  const good = open("s3://reel/course", s3.env);
  await good.reachable();
  good.close();
  await refused(
    open("s3://missing/course", s3.env),
    /^The S3 store at http:\/\/127\.0\.0\.1:\d+\/missing\/course refused a read \(404\): NoSuchBucket$/,
  );
  // Nothing listening.
  const closed = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = closed.addr.port;
  closed.close();
  const nowhere = (name: string) => name === "AWS_ENDPOINT_URL" ? `http://127.0.0.1:${port}` : s3.env(name);
  await refused(
    open("s3://reel/course", nowhere),
    /^Cannot reach the S3 store at http:\/\/127\.0\.0\.1:\d+\/reel\/course: .*refused/i,
  );
  // A server that is not S3: its page's first words; a server error after three tries (before: about ten, over
  // half a minute).
  let status = 403;
  let asked = 0;
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, () => {
    asked++;
    return new Response("<!DOCTYPE HTML><title>Not here</title>", { status });
  });
  try {
    const page = (name: string) =>
      name === "AWS_ENDPOINT_URL" ? `http://127.0.0.1:${server.addr.port}` : s3.env(name);
    await refused(
      open("s3://reel/course", page),
      /^The S3 store at .* refused a read \(403\): <!DOCTYPE HTML>/,
    );
    status = 503;
    asked = 0;
    await refused(
      open("s3://reel/course", page),
      /^The S3 store at .* refused a read \(503\): <!DOCTYPE HTML>/,
    );
    assert.equal(asked, 3);
  } finally {
    await server.shutdown();
  }
});

Deno.test("S3Store.removeStale() removes the claims (files, without Redis) of owners that are gone", async () => {
  // rv42: only a folder store's were; a killed render's claims stayed in the cache for good.
  const cacheDir = await tempDir();
  const env = (name: string) =>
    ({ AWS_ACCESS_KEY_ID: "k", AWS_SECRET_ACCESS_KEY: "s" } as Record<string, string>)[name];
  const store = new S3Store("s3://reel/course", { cacheDir, env });
  await Deno.mkdir(`${cacheDir}/claims`, { recursive: true });
  const dead = { host: Deno.hostname(), pid: 999_999_999, token: "dead", since: new Date().toISOString() };
  await Deno.writeTextFile(`${cacheDir}/claims/${KEY}.claim`, JSON.stringify(dead));
  try {
    assert.equal(await store.removeStale(), 1);
    assert.deepEqual(await Array.fromAsync(Deno.readDir(`${cacheDir}/claims`)), []);
  } finally {
    store.close();
  }
});
