/**
 * `doctor`: what reel finds on this machine: ffmpeg and the filters reel needs, video encoders (probed) and the one
 * reel will use, fonts, voices, the speech recognizer, cores and memory, and the settings `reel tune` saved.
 * @module
 */
import { type Command, Option } from "@commander-js/extra-typings";
import { checkMachine, type MachineReport } from "../../lib/run/machine_check.ts";
import { formatBytes } from "../../lib/report/format_units.ts";

/**
 * Adds `doctor` to the program.
 *
 * @param program The program.
 */
export function addDoctorCommand(program: Command): void {
  program.command("doctor")
    .description(
      "Check ffmpeg, its filters and encoders, fonts, voices, speech recognition, cores and memory",
    )
    .addOption(new Option("--encoder <name>", "check this video encoder as --encoder would use it"))
    .option("--json", "print the report as JSON")
    .action(async (options) => {
      const report = await checkMachine({ encoder: options.encoder ?? null });
      console.log(options.json === true ? JSON.stringify(report, null, 2) : formatReport(report));
    });
}

/** The report as lines: ✔ for what is there, ✖ for what is missing, with what it is for. */
function formatReport(report: MachineReport): string {
  const mark = (ok: boolean) => ok ? "✔" : "✖";
  const lines = [
    `ffmpeg     ${report.ffmpeg.version}`,
    `           ${report.ffmpeg.ffmpeg}, ${report.ffmpeg.ffprobe}`,
    "filters",
    ...report.filters.map((filter) =>
      `  ${mark(filter.present)} ${filter.name.padEnd(18)} ${filter.purpose}`
    ),
    "encoders   (hardware ones tried with a one-frame encode)",
    ...report.encoders.filter((probe) => probe.listed).map((probe) =>
      `  ${mark(probe.works)} ${probe.encoder.name.padEnd(14)} ${
        probe.encoder.hardware ? "hardware" : "software"
      }${probe.works ? "" : `: ${probe.error}`}`
    ),
    `  reel will use ${report.chosen.h264.name} for H.264${
      report.chosen.hevc === null ? "" : ` and ${report.chosen.hevc.name} for HEVC`
    } (--encoder to choose)`,
    `fonts      ${
      report.font === null
        ? "✖ DejaVu Sans not found (install fonts-dejavu-core or set REEL_FONT_DIR)"
        : `✔ ${report.font.path}`
    }`,
    `stills     ${
      report.stills.library === null
        ? "ffmpeg encodes them (no libx264.so.164 found; REEL_LIBX264 names one)"
        : report.stills.problem === null
        ? `✔ libx264 in-process: ${report.stills.library}`
        : `ffmpeg encodes them: ${report.stills.problem}`
    }`,
    `voices     flite: ${
      report.voices.flite.length === 0 ? "✖ (ffmpeg has no flite filter)" : report.voices.flite.join(", ")
    }`,
    `           espeak-ng: ${
      report.voices.espeak === null
        ? "✖ not installed"
        : `${report.voices.espeak.version}, ${report.voices.espeak.voices} voices`
    }`,
    `transcribe ${recognizerLine(report.recognizer)}`,
    `machine    ${report.machine.cores} cores, ${formatBytes(report.machine.totalBytes)} memory (${
      formatBytes(report.machine.availableBytes)
    } available), ${report.machine.os}`,
    `tune       ${
      report.tune.problem !== null
        ? `✖ ${report.tune.problem} (measure again with reel tune <workflow>, or remove the file)`
        : report.tune.settings === null
        ? `not run (reel tune <workflow> measures the best worker count${
          report.tune.path === null ? "" : ` and saves it to ${report.tune.path}`
        })`
        : `${report.tune.settings.workers} workers, ${report.tune.settings.cpu} CPU slots (measured ${report.tune.settings.measuredAt} on ${report.tune.settings.cores} cores; --workers auto uses them)`
    }`,
  ];
  return lines.join("\n");
}

/** The speech recognizer's line: its program and identity, or why it cannot be used and how to mend it. */
function recognizerLine(recognizer: MachineReport["recognizer"]): string {
  const { program, identity, problem, hint } = recognizer;
  if (problem === null) return `✔ pocketsphinx ${program} (${identity})`;
  return `✖ ${problem}${hint === null ? "" : ` (${hint})`}`;
}
