/**
 * Reading an image file a workflow names (a background, a picture): checked to be a whole PNG or JPEG (its chunks
 * or segments all there, not only a start like one; its pixels are checked by the preflight) and digested, or an
 * issue at its path.
 * @module
 */
import { isMissing } from "../../core/exists.ts";
import type { WorkflowIssue } from "../../core/errors.ts";
import { readUserFile, unreadableUserFile } from "../../core/read_user_file.ts";
import { sha256Hex } from "../../core/sha256.ts";
import { exifOrientation } from "../../media/exif_orientation.ts";
import { imageProblem } from "../../media/image_problem.ts";
import { sniffImage } from "../../media/sniff_media.ts";
import { workflowPath } from "../../schema/workflow_path.ts";
import type { ImageFile } from "./lesson_schema.ts";

/**
 * Reads the image at `relative` (to the workflow module's folder, the name taken as written) and digests it; a
 * missing, unreadable, non-image, cut or corrupt file is an issue at `context.path`, and null.
 *
 * @throws What reading throws for a failure that is not the user's.
 */
export async function readImage(
  relative: string,
  context: { moduleUrl: string; path: string; issues: WorkflowIssue[] },
): Promise<ImageFile | null> {
  const file = workflowPath(relative, context.moduleUrl);
  try {
    const bytes = await readUserFile(file);
    if (sniffImage(bytes) === null) {
      context.issues.push({ path: context.path, message: `Not a PNG or JPEG image: ${file}`, file });
      return null;
    }
    // Its structure (chunks, checksums, segments) at every start; whether its pixels decode is asked by the
    // preflight, of the images of slides that will be drawn (see lesson_preflight.ts): inflating them here cost
    // every render, an unchanged one too, 80-120 ms a picture (ffmpeg's decode of a JPEG, 130 ms more).
    const problem = imageProblem(bytes, { pixels: false, slide: true });
    if (problem !== null) {
      context.issues.push({
        path: context.path,
        message: `Cannot use ${file} as an image: ${problem}`,
        file,
      });
      return null;
    }
    const turn = exifOrientation(bytes)?.orientation;
    return { path: file, sha256: sha256Hex(bytes), ...turn === undefined ? {} : { turn } };
  } catch (error) {
    const problem = unreadableImage(error);
    if (problem === null) throw error;
    context.issues.push({ path: context.path, message: `${problem}: ${file}`, file });
    return null;
  }
}

/** What keeps a background image from being read, in the user's words; null for a failure that is not theirs. */
function unreadableImage(error: unknown): string | null {
  if (isMissing(error)) {
    return "Image not found";
  }
  return unreadableUserFile(error, "image file");
}
