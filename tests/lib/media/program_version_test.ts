import assert from "node:assert/strict";
import { findFfmpeg } from "../../../lib/media/ffmpeg.ts";
import { loadedLibraries } from "../../../lib/media/find_binary.ts";
import { programVersion } from "../../../lib/media/program_version.ts";
import { tempDir } from "../../_support/temp_dir.ts";

const MODULE = new URL("../../../lib/media/program_version.ts", import.meta.url).href;

/**
 * Asks a new process for the program's version (each process asks once), with the memo at `memo`, the system's
 * library files `systemFiles` (none unless given) and more environment.
 */
async function versionInNewProcess(
  program: string,
  memo: string | null,
  options: { args?: string[]; systemFiles?: string[]; env?: Record<string, string> } = {},
): Promise<string> {
  const code = `import { programVersion } from "${MODULE}";\n` +
    `console.log(await programVersion(${JSON.stringify(program)}, ${
      JSON.stringify(options.args ?? ["--version"])
    }, ` +
    `{ memo: ${JSON.stringify(memo)}, systemFiles: ${JSON.stringify(options.systemFiles ?? [])} }));`;
  const { code: exit, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
    args: ["eval", "--quiet", code],
    env: options.env,
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.equal(exit, 0, new TextDecoder().decode(stderr));
  return new TextDecoder().decode(stdout).trim();
}

Deno.test("programVersion() remembers a version between runs and asks again when the program's file changes", async () => {
  const dir = await tempDir("reel-version-");
  try {
    const program = `${dir}/tool`;
    const runs = `${dir}/runs.log`;
    const write = (version: string) =>
      Deno.writeTextFile(program, `#!/bin/sh\necho run >> '${runs}'\necho 'tool ${version}'\n`, {
        mode: 0o755,
      });
    const memo = `${dir}/memo/versions.json`;
    await write("1.0");
    const first = await versionInNewProcess(program, memo);
    assert.match(first, /^tool 1\.0 #[0-9a-f]{16}$/);
    assert.equal(await versionInNewProcess(program, memo), first);
    // The second process read the memo: the program ran once.
    assert.equal((await Deno.readTextFile(runs)).trim().split("\n").length, 1);
    // An upgrade is a new file: asked again.
    await Deno.remove(program);
    await write("2.0");
    assert.match(await versionInNewProcess(program, memo), /^tool 2\.0 #[0-9a-f]{16}$/);
    assert.equal((await Deno.readTextFile(runs)).trim().split("\n").length, 2);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("programVersion(): versions remembered under another digest are asked again, and kept for the reel that wrote them", async () => {
  // The digest's format is the code that makes it: a reel whose digest differed wrote these (cl: one was read as
  // current, and a coordinator planned ffmpeg under a digest no fresh worker had).
  const dir = await tempDir("reel-version-format-");
  const program = `${dir}/tool`;
  const runs = `${dir}/runs.log`;
  await Deno.writeTextFile(program, `#!/bin/sh\necho run >> '${runs}'\necho 'tool 1.0'\n`, { mode: 0o755 });
  const memo = `${dir}/versions.json`;
  const first = await versionInNewProcess(program, memo);
  const written = JSON.parse(await Deno.readTextFile(memo)) as Record<string, { version: string }>;
  const [key] = Object.keys(written);
  const other = `digest 0123456789abcdef${key!.slice(key!.indexOf("\0"))}`;
  await Deno.writeTextFile(
    memo,
    JSON.stringify({ [other]: { version: "tool 1.0 #0000000000000000", watched: [] } }),
  );
  assert.equal(await versionInNewProcess(program, memo), first);
  assert.equal((await Deno.readTextFile(runs)).trim().split("\n").length, 2);
  // Another reel sharing the memo (a compiled one, another checkout) still finds its own (rv: left out, two reels
  // asked again after each other).
  assert.deepEqual(Object.keys(JSON.parse(await Deno.readTextFile(memo))).sort(), [key!, other].sort());
});

Deno.test("programVersion() drops from its memo the versions of programs gone or changed, and keeps 64 at most", async () => {
  // Before, each upgrade's and each removed wrapper's version stayed for good: this machine's memo held 384, 190 kB,
  // read three times at every start.
  const dir = await tempDir("reel-version-prune-");
  try {
    const write = (name: string, version: string) =>
      Deno.writeTextFile(`${dir}/${name}`, `#!/bin/sh\necho 'tool ${version}'\n`, { mode: 0o755 });
    const memo = `${dir}/versions.json`;
    await write("old", "1.0");
    await versionInNewProcess(`${dir}/old`, memo);
    const [oldKey] = Object.keys(JSON.parse(await Deno.readTextFile(memo)));
    // The old tool is upgraded (a new file); a hundred versions of programs since removed are remembered too.
    await Deno.remove(`${dir}/old`);
    await write("old", "2.0");
    const gone = Object.fromEntries(Array.from({ length: 100 }, (_, i) => [
      oldKey!.replace(`${dir}/old`, `${dir}/gone${i}`),
      { version: `tool 0.${i} #0000000000000000`, watched: [] },
    ]));
    await Deno.writeTextFile(memo, JSON.stringify(gone));
    await write("tool", "3.0");
    await versionInNewProcess(`${dir}/tool`, memo);
    const [toolKey, ...more] = Object.keys(JSON.parse(await Deno.readTextFile(memo)));
    assert.deepEqual([toolKey!.split("\0")[1], more], [`${dir}/tool`, []]);
    // Live programs: the latest 64 stay.
    const live = Object.fromEntries(Array.from({ length: 100 }, (_, i) => [
      `${toolKey}\0X=${i}`,
      { version: `tool 3.${i} #0000000000000000`, watched: [] },
    ]));
    await Deno.writeTextFile(memo, JSON.stringify(live));
    await write("other", "4.0");
    await versionInNewProcess(`${dir}/other`, memo);
    const kept = Object.keys(JSON.parse(await Deno.readTextFile(memo)));
    assert.equal(kept.length, 64);
    assert.ok(kept.at(-1)!.includes(`${dir}/other`));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("programVersion() keeps the versions another process remembered since this one read its memo", async () => {
  // rv36: a long-running process (a cluster worker) wrote its first reading back with one version more, and erased
  // what other processes had remembered meanwhile.
  const dir = await tempDir("reel-version-shared-");
  try {
    const memo = `${dir}/versions.json`;
    for (const name of ["a", "b", "c"]) {
      await Deno.writeTextFile(`${dir}/${name}`, `#!/bin/sh\necho '${name} 1.0'\n`, { mode: 0o755 });
    }
    await programVersion(`${dir}/a`, ["--version"], { memo, systemFiles: [] });
    await versionInNewProcess(`${dir}/b`, memo);
    await programVersion(`${dir}/c`, ["--version"], { memo, systemFiles: [] });
    const programs = Object.keys(JSON.parse(await Deno.readTextFile(memo))).map((key) => key.split("\0")[1]);
    assert.deepEqual(programs, [`${dir}/a`, `${dir}/b`, `${dir}/c`]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("programVersion() still answers when its memo cannot be written", async () => {
  const dir = await tempDir("reel-version-");
  try {
    const program = `${dir}/tool`;
    await Deno.writeTextFile(program, "#!/bin/sh\necho 'tool 3.0'\n", { mode: 0o755 });
    await Deno.writeTextFile(`${dir}/file`, "");
    // The memo's folder would be under a file: it cannot be made.
    assert.match(await versionInNewProcess(program, `${dir}/file/versions.json`), /^tool 3\.0 #/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("programVersion() asks again when the system's libraries or the loader's environment change", async () => {
  const dir = await tempDir("reel-version-");
  try {
    const program = `${dir}/tool`;
    const runs = `${dir}/runs.log`;
    // The tool's answer changes without its file changing (as when a library it loads is upgraded).
    await Deno.writeTextFile(`${dir}/answer`, "1.0");
    await Deno.writeTextFile(
      program,
      `#!/bin/sh\necho run >> '${runs}'\necho "tool $(cat '${dir}/answer')"\n`,
      {
        mode: 0o755,
      },
    );
    const memo = `${dir}/versions.json`;
    const ldconfig = `${dir}/ld.so.cache`;
    await Deno.writeTextFile(ldconfig, "a");
    const ask = (env: Record<string, string> = {}) =>
      versionInNewProcess(program, memo, { systemFiles: [ldconfig], env });
    assert.match(await ask(), /^tool 1\.0 /);
    await Deno.writeTextFile(`${dir}/answer`, "2.0");
    assert.match(await ask(), /^tool 1\.0 /, "remembered: nothing it depends on changed");
    // A library installed: ldconfig rewrites its cache (a new file).
    await Deno.remove(ldconfig);
    await Deno.writeTextFile(ldconfig, "b");
    assert.match(await ask(), /^tool 2\.0 /);
    await Deno.writeTextFile(`${dir}/answer`, "3.0");
    assert.match(await ask({ LD_LIBRARY_PATH: dir }), /^tool 3\.0 /, "another library path");
    await Deno.writeTextFile(`${dir}/answer`, "4.0");
    assert.match(
      await ask({ LD_LIBRARY_PATH: dir, ESPEAK_DATA_PATH: dir }),
      /^tool 4\.0 /,
      "another data path",
    );
    assert.match(await ask({ LD_LIBRARY_PATH: dir, ESPEAK_DATA_PATH: dir }), /^tool 4\.0 /);
    assert.equal((await Deno.readTextFile(runs)).trim().split("\n").length, 4);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("programVersion(): ffmpeg loading another libx264 (same version text) has another identity", async () => {
  const dir = await tempDir("reel-version-");
  try {
    const ffmpeg = (await findFfmpeg()).ffmpeg;
    const system = (await loadedLibraries(ffmpeg, ["-version"])).find((path) => /\/libx264\.so/.test(path));
    assert.ok(system !== undefined, "this ffmpeg loads libx264");
    const copy = `${dir}/${system.split("/").at(-1)}`;
    await Deno.copyFile(system, copy);
    const usual = await versionInNewProcess(ffmpeg, null, { args: ["-version"] });
    const other = await versionInNewProcess(ffmpeg, null, {
      args: ["-version"],
      env: { LD_LIBRARY_PATH: dir },
    });
    assert.equal(other.split(" #")[0], usual.split(" #")[0], "ffmpeg prints the same version");
    assert.notEqual(other, usual);
    assert.equal(
      await versionInNewProcess(ffmpeg, null, { args: ["-version"] }),
      usual,
      "and the same one again",
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("loadedLibraries() lists ffmpeg's codec libraries where the loader finds them, without the C runtime", async () => {
  const libraries = await loadedLibraries((await findFfmpeg()).ffmpeg, ["-version"]);
  assert.ok(libraries.some((path) => /\/libavcodec\.so\.\d+$/.test(path)));
  assert.ok(libraries.some((path) => /\/libx264\.so\.\d+$/.test(path)));
  assert.ok(!libraries.some((path) => /\/(libc|libm|ld-linux[^/]*)\.so/.test(path)));
  assert.deepEqual(libraries, [...libraries].sort());
  // A library in a folder whose name has a space is listed whole.
  const spaced = `${await tempDir("reel-version-")}/my libs`;
  await Deno.mkdir(spaced);
  const x264 = libraries.find((path) => /\/libx264\.so/.test(path))!;
  await Deno.copyFile(x264, `${spaced}/${x264.split("/").at(-1)}`);
  const listed = await new Deno.Command(Deno.execPath(), {
    args: [
      "eval",
      `import { loadedLibraries } from "${
        new URL("../../../lib/media/find_binary.ts", import.meta.url).href
      }";
console.log(JSON.stringify(await loadedLibraries(${
        JSON.stringify((await findFfmpeg()).ffmpeg)
      }, ["-version"])));`,
    ],
    env: { LD_LIBRARY_PATH: spaced },
    stdout: "piped",
  }).output();
  assert.ok(
    JSON.parse(new TextDecoder().decode(listed.stdout)).includes(`${spaced}/${x264.split("/").at(-1)}`),
  );
  // A script is not a dynamically linked program of its own: its interpreter's libraries (no C runtime) at most.
  const dir = await tempDir("reel-version-");
  await Deno.writeTextFile(`${dir}/tool`, "#!/bin/sh\necho tool\n", { mode: 0o755 });
  assert.ok(
    (await loadedLibraries(`${dir}/tool`, ["--version"])).every((path) => !/libx264|libavcodec/.test(path)),
  );
});

Deno.test("programVersion(): a fresh copy of a library (same bytes, path and time, another inode) keeps the identity", async () => {
  const dir = await tempDir("reel-version-");
  const ffmpeg = (await findFfmpeg()).ffmpeg;
  const system = (await loadedLibraries(ffmpeg, ["-version"])).find((path) => /\/libx264\.so/.test(path))!;
  const { mtime } = await Deno.stat(system);
  // As a package manager on another machine, or a reinstall, puts it there.
  const place = async () => {
    await Deno.remove(`${dir}/${system.split("/").at(-1)}`).catch(() => {});
    await Deno.copyFile(system, `${dir}/${system.split("/").at(-1)}`);
    await Deno.utime(`${dir}/${system.split("/").at(-1)}`, mtime!, mtime!);
  };
  await place();
  const first = await versionInNewProcess(ffmpeg, null, {
    args: ["-version"],
    env: { LD_LIBRARY_PATH: dir },
  });
  await place();
  assert.equal(
    await versionInNewProcess(ffmpeg, null, { args: ["-version"], env: { LD_LIBRARY_PATH: dir } }),
    first,
  );
});

Deno.test("programVersion(): a library outside the system's folders replaced without ldconfig is asked again", async () => {
  const dir = await tempDir("reel-version-");
  const ffmpeg = (await findFfmpeg()).ffmpeg;
  const system = (await loadedLibraries(ffmpeg, ["-version"])).find((path) => /\/libx264\.so/.test(path))!;
  const copy = `${dir}/${system.split("/").at(-1)}`;
  await Deno.copyFile(system, copy);
  const memo = `${dir}/versions.json`;
  const ask = () => versionInNewProcess(ffmpeg, memo, { args: ["-version"], env: { LD_LIBRARY_PATH: dir } });
  const first = await ask();
  assert.equal(await ask(), first, "remembered");
  await Deno.utime(copy, new Date(2001, 0, 1), new Date(2001, 0, 1));
  assert.notEqual(await ask(), first, "the replaced library is another identity, not the remembered one");
});

Deno.test("programVersion(): one long-running process asks again when the program is upgraded under it", async () => {
  const dir = await tempDir("reel-version-");
  const program = `${dir}/tool`;
  const write = (version: string) =>
    Deno.writeTextFile(program, `#!/bin/sh\necho 'tool ${version}'\n`, { mode: 0o755 });
  await write("1.0");
  const first = await programVersion(program, ["--version"], { memo: null, systemFiles: [] });
  assert.match(first, /^tool 1\.0 /);
  assert.equal(await programVersion(program, ["--version"], { memo: null, systemFiles: [] }), first);
  await Deno.remove(program);
  await write("2.0");
  assert.match(await programVersion(program, ["--version"], { memo: null, systemFiles: [] }), /^tool 2\.0 /);
});

Deno.test("programVersion(): REEL_PROGRAM_VERSIONS naming a file that is not a memo is refused, the file untouched; reel's own file is replaced", async () => {
  const dir = await tempDir("reel-version-");
  try {
    const program = `${dir}/tool`;
    await Deno.writeTextFile(program, "#!/bin/sh\necho 'tool 1.0'\n", { mode: 0o755 });
    const ask = (env: Record<string, string>) =>
      new Deno.Command(Deno.execPath(), {
        args: [
          "eval",
          "--quiet",
          `import { programVersion } from "${MODULE}";\n` +
          `console.log(await programVersion(${
            JSON.stringify(program)
          }, ["--version"], { systemFiles: [] }));`,
        ],
        env,
        stdout: "piped",
        stderr: "piped",
      }).output();
    for (const text of ["my notes\n", '{"name":"a package","version":"1.0.0"}\n', "[1, 2]\n"]) {
      const notes = `${dir}/notes.txt`;
      await Deno.writeTextFile(notes, text);
      const refused = await ask({ REEL_PROGRAM_VERSIONS: notes });
      assert.notEqual(refused.code, 0);
      assert.match(
        new TextDecoder().decode(refused.stderr),
        new RegExp(`REEL_PROGRAM_VERSIONS names ${notes}, which reel will not overwrite`),
      );
      assert.equal(await Deno.readTextFile(notes), text, "untouched");
    }
    // A memo it wrote itself, or a new file, is fine.
    const memo = `${dir}/versions.json`;
    for (let run = 0; run < 2; run++) {
      const { code, stdout } = await ask({ REEL_PROGRAM_VERSIONS: memo });
      assert.equal(code, 0);
      assert.match(new TextDecoder().decode(stdout), /^tool 1\.0 #/);
    }
    // reel's own file (the cache folder's, REEL_PROGRAM_VERSIONS unset) holding garbage is replaced.
    const own = `${dir}/cache/reel/program-versions.json`;
    await Deno.mkdir(`${dir}/cache/reel`, { recursive: true });
    await Deno.writeTextFile(own, "garbage");
    const { code } = await ask({ XDG_CACHE_HOME: `${dir}/cache` });
    assert.equal(code, 0);
    assert.match(await Deno.readTextFile(own), /tool 1\.0 #/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("programVersion(): a wrapper script edited in place has another identity, its version's answer the same", async () => {
  const dir = await tempDir("reel-version-");
  try {
    const program = `${dir}/espeak-wrapper`;
    const write = (pitch: number) =>
      Deno.writeTextFile(
        program,
        `#!/bin/sh\n# espeak-ng -p ${pitch} "$@"\necho 'eSpeak NG text-to-speech: 1.51'\n`,
        {
          mode: 0o755,
        },
      );
    await write(90);
    const before = await versionInNewProcess(program, `${dir}/memo.json`);
    await write(10);
    const after = await versionInNewProcess(program, `${dir}/memo.json`);
    // Before: the same digest, and nothing it made was made again.
    assert.equal(after.split(" #")[0], before.split(" #")[0]);
    assert.notEqual(after, before);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("programVersion(): a program rebuilt in place (same version text, other bytes) has another identity", async () => {
  // kr: a static ffmpeg rebuilt with another x264 prints the same version; every key stayed.
  const dir = await tempDir("reel-version-");
  try {
    const program = `${dir}/echo`;
    await Deno.copyFile("/bin/echo", program);
    const before = await versionInNewProcess(program, `${dir}/memo.json`);
    const bytes = await Deno.readFile(program);
    await Deno.remove(program);
    // Bytes after an ELF's sections change nothing it runs: the same answer from another file.
    await Deno.writeFile(program, new Uint8Array([...bytes, 0]), { mode: 0o755 });
    const after = await versionInNewProcess(program, `${dir}/memo.json`);
    assert.equal(after.split(" #")[0], before.split(" #")[0], "the same version text");
    assert.notEqual(after, before);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("programVersion(): a wrapper script counts with the script it runs and with the libraries of the program it names", async () => {
  // kr: `REEL_FFMPEG` naming `exec /x/inner.sh "$@"` kept every key when inner.sh changed, and a wrapper hid the
  // libraries ffmpeg loads (libx264, libass, flite).
  const dir = await tempDir("reel-version-");
  try {
    const ffmpeg = (await findFfmpeg()).ffmpeg;
    const inner = `${dir}/inner.sh`;
    const wrapper = `${dir}/ffmpeg`;
    await Deno.writeTextFile(wrapper, `#!/bin/sh\nexec ${inner} "$@"\n`, { mode: 0o755 });
    const writeInner = (extra: string) =>
      Deno.writeTextFile(inner, `#!/bin/sh\nexec ${ffmpeg} ${extra}"$@"\n`, { mode: 0o755 });
    await writeInner("");
    const memo = `${dir}/memo.json`;
    const before = await versionInNewProcess(wrapper, memo, { args: ["-version"] });
    assert.match(before, /^ffmpeg version /);
    await writeInner("-hide_banner ");
    const after = await versionInNewProcess(wrapper, memo, { args: ["-version"] });
    assert.equal(after.split(" #")[0], before.split(" #")[0]);
    assert.notEqual(after, before, "the inner script's change is seen, through the memo too");
    // ffmpeg's libraries, seen through both scripts: another libx264 is another identity.
    const system = (await loadedLibraries(ffmpeg, ["-version"])).find((path) => /\/libx264\.so/.test(path));
    assert.ok(system !== undefined, "this ffmpeg loads libx264");
    const libraries = `${dir}/libraries`;
    await Deno.mkdir(libraries);
    await Deno.copyFile(system, `${libraries}/${system.split("/").at(-1)}`);
    const other = await versionInNewProcess(wrapper, null, {
      args: ["-version"],
      env: { LD_LIBRARY_PATH: libraries },
    });
    assert.notEqual(other, await versionInNewProcess(wrapper, null, { args: ["-version"] }));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("programVersion(): one program under two paths (a link, a merged /usr) has one identity", async () => {
  // rv: the program's path was in its digest: /bin/ffmpeg and /usr/bin/ffmpeg, one file, keyed apart.
  const dir = await tempDir("reel-version-");
  try {
    const ffmpeg = (await findFfmpeg()).ffmpeg;
    await Deno.symlink(ffmpeg, `${dir}/ffmpeg`);
    assert.equal(
      await versionInNewProcess(`${dir}/ffmpeg`, null, { args: ["-version"] }),
      await versionInNewProcess(ffmpeg, null, { args: ["-version"] }),
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("programVersion(): a wrapper's path built from a variable is not read as the absolute path after it", async () => {
  // rv: `"${HERE}/bin/ffmpeg"` was read as the system's /bin/ffmpeg, watched and run for its libraries.
  const dir = await tempDir("reel-version-");
  try {
    const ffmpeg = (await findFfmpeg()).ffmpeg;
    await Deno.mkdir(`${dir}/bin`);
    await Deno.writeTextFile(`${dir}/bin/ffmpeg`, `#!/bin/sh\nexec ${ffmpeg} "$@"\n`, { mode: 0o755 });
    const wrapper = `${dir}/wrapper`;
    await Deno.writeTextFile(wrapper, `#!/bin/sh\nHERE=$(dirname "$0")\nexec "\${HERE}/bin/ffmpeg" "$@"\n`, {
      mode: 0o755,
    });
    const memo = `${dir}/memo.json`;
    assert.match(await versionInNewProcess(wrapper, memo, { args: ["-version"] }), /^ffmpeg version /);
    const remembered = Object.values(JSON.parse(await Deno.readTextFile(memo))) as {
      watched: [string, string][];
    }[];
    const watched = remembered.flatMap((entry) => entry.watched.map(([path]) => path));
    assert.ok(!watched.includes("/bin/ffmpeg"), watched.join(", "));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
