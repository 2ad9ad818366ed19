import assert from "node:assert/strict";
import { engineProbes, espeakWithData } from "../../../lib/plan/engine_probes.ts";
import { tempDir } from "../../_support/temp_dir.ts";

Deno.test("engineProbes.espeak: espeak-ng's version and a digest of the voice data folder it names", async () => {
  const identity = await engineProbes.espeak();
  assert.match(identity, /^eSpeak NG .* #[0-9a-f]{16} data #[0-9a-f]{16}$/);
  assert.doesNotMatch(identity, /Data at/, "the data's place is not part of it");
  assert.equal(await engineProbes.espeak(), identity);
});

Deno.test("espeakWithData: a dictionary compiled again in place changes it, a touch does not", async () => {
  const dir = await tempDir();
  await Deno.mkdir(`${dir}/voices/!v`, { recursive: true });
  await Deno.writeTextFile(`${dir}/en_dict`, "compiled dictionary 1");
  await Deno.writeTextFile(`${dir}/voices/!v/f1`, "a variant");
  const version = `eSpeak NG text-to-speech: 1.51  Data at: ${dir} #0123456789abcdef`;
  const first = espeakWithData(version);
  assert.match(first, /^eSpeak NG text-to-speech: 1\.51 #0123456789abcdef data #[0-9a-f]{16}$/);
  await Deno.utime(`${dir}/en_dict`, new Date(2001, 0, 1), new Date(2001, 0, 1));
  assert.equal(espeakWithData(version), first, "touched");
  await Deno.writeTextFile(`${dir}/en_dict`, "compiled dictionary 2");
  await Deno.utime(`${dir}/en_dict`, new Date(2001, 0, 1), new Date(2001, 0, 1));
  const compiled = espeakWithData(version);
  assert.notEqual(compiled, first, "the dictionary's bytes changed, its size and time kept");
  await Deno.writeTextFile(`${dir}/voices/!v/f2`, "another variant");
  assert.notEqual(espeakWithData(version), compiled, "a voice added in a subfolder");
});

Deno.test("espeakWithData: the same voice data elsewhere, or through a link, is the same (its place is not keyed)", async () => {
  // Before: the version's "Data at: <folder>" was kept, so a byte-identical copy or a link in ESPEAK_DATA_PATH
  // spoke every section again.
  const dir = await tempDir();
  for (const folder of ["a", "b"]) {
    await Deno.mkdir(`${dir}/${folder}/voices`, { recursive: true });
    await Deno.writeTextFile(`${dir}/${folder}/en_dict`, "compiled dictionary");
    await Deno.writeTextFile(`${dir}/${folder}/voices/v1`, "a voice");
  }
  await Deno.symlink(`${dir}/a`, `${dir}/link`);
  const at = (folder: string) =>
    espeakWithData(`eSpeak NG text-to-speech: 1.51  Data at: ${folder} #0123456789abcdef`);
  assert.equal(at(`${dir}/b`), at(`${dir}/a`), "a copy");
  assert.equal(at(`${dir}/link`), at(`${dir}/a`), "a link");
  await Deno.writeTextFile(`${dir}/b/en_dict`, "another dictionary");
  assert.notEqual(at(`${dir}/b`), at(`${dir}/a`), "other bytes");
});

Deno.test("engineProbes.espeak: espeak-ng's own identity is the same through a link to its voice data", async () => {
  // fi7: the digest of what `--version` says held the folder it names ("Data at: <folder>"): a link (or a copy)
  // in ESPEAK_DATA_PATH spoke every section again, byte for byte the same.
  const dir = await tempDir();
  const system = /Data at: (.+)$/m.exec(
    new TextDecoder().decode((await new Deno.Command("espeak-ng", { args: ["--version"] }).output()).stdout),
  )?.[1]?.trim();
  assert.ok(system !== undefined, "espeak-ng names its data folder");
  await Deno.symlink(system, `${dir}/voices`);
  const probe = `${dir}/probe.ts`;
  await Deno.writeTextFile(
    probe,
    `import { engineProbes } from "${
      new URL("../../../lib/plan/engine_probes.ts", import.meta.url).href
    }";\n` +
      "console.log(await engineProbes.espeak());\n",
  );
  const identity = async (env: Record<string, string>) => {
    const { stdout, success } = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", "--config", new URL("../../../deno.json", import.meta.url).pathname, probe],
      env: { REEL_PROGRAM_VERSIONS: "off", ...env },
    }).output();
    assert.ok(success);
    return new TextDecoder().decode(stdout).trim();
  };
  assert.equal(await identity({ ESPEAK_DATA_PATH: `${dir}/voices` }), await identity({}));
});
