/**
 * Finds the installed font that draws a character the primary font lacks. Font files are listed and read only when
 * a character needs them, and what was read is kept for the life of the process.
 * @module
 */
import { pathTrouble } from "../../../core/exists.ts";
import { readSfntFaces, type SfntFace } from "./_sfnt.ts";

/** What {@linkcode findFallbackFace} searches. */
export interface FallbackSearch {
  /** The weight wanted: 400 for regular text, 700 for bold. */
  weight: number;
  /** The folders to search. */
  dirs: readonly string[];
  /** Font files never to use: the primary font's. */
  excludeFiles: readonly string[];
  /** A family never to use: the primary font's, which resvg would resolve to the primary font itself. */
  excludeFamily: string;
}

/** Font files that share a name stem (`NotoSansCJK-Regular.ttc`, `NotoSansCJK-Bold.ttc`): one family. */
interface FontGroup {
  stem: string;
  rank: number;
  files: string[];
}

const FONT_FILE = /\.(ttf|otf|ttc)$/i;
/** Slanted files are never a fallback for upright text, so they are not even read. */
const SLANTED = /italic|oblique/i;

const groupsByDirs = new Map<string, Promise<FontGroup[]>>();
const facesByFile = new Map<string, Promise<SfntFace[]>>();
const found = new Map<string, Promise<SfntFace | null>>();

/**
 * The face that draws the characters of `chars` (one grapheme cluster's, say) at about `search.weight`, or null when
 * no font in the folders has its first character. Families are tried in a fixed order: Noto Sans, then the other
 * Noto Sans families (CJK, Symbols, the scripts'), then other sans families (Symbola), then serif families;
 * alphabetically within each. The first family with a face that has all of `chars` wins, else the first with a
 * face that has the first of them; within that family, the face of the nearest weight. Slanted faces and
 * bitmap-only faces (colour emoji, which resvg does not draw) are never used.
 */
export function findFallbackFace(chars: string, search: FallbackSearch): Promise<SfntFace | null> {
  const key = [...search.dirs, "", ...search.excludeFiles, "", search.excludeFamily, search.weight, chars]
    .join("\n");
  let face = found.get(key);
  if (face === undefined) {
    face = searchFace([...chars].map((char) => char.codePointAt(0)!), search);
    remember(found, key, face);
  }
  return face;
}

/**
 * Every font file the fallback search may read, in search order, listed afresh (not from the cache).
 *
 * @param dirs The folders to search.
 * @param exclude Files never to use.
 */
export function listFallbackFiles(
  dirs: readonly string[],
  exclude: readonly string[],
): Promise<string[]> {
  return Promise.try(() => listGroups(dirs, exclude).flatMap((group) => group.files));
}

async function searchFace(codePoints: readonly number[], search: FallbackSearch): Promise<SfntFace | null> {
  const groups = await fontGroups(search.dirs, search.excludeFiles);
  for (const wanted of [codePoints, codePoints.slice(0, 1)]) {
    for (const group of groups) {
      const faces: SfntFace[] = [];
      for (const file of group.files) faces.push(...await readFaces(file));
      const usable = faces.filter((face) =>
        face.outlines && !face.italic && face.family !== search.excludeFamily &&
        wanted.every((codePoint) => face.glyphOf(codePoint) !== 0)
      );
      const first = usable[0];
      if (first === undefined) continue;
      return usable.filter((face) => face.family === first.family).reduce((best, face) =>
        weightDistance(face.weight, search.weight) < weightDistance(best.weight, search.weight) ? face : best
      );
    }
    if (codePoints.length === 1) break;
  }
  return null;
}

/** How far a face's weight is from the wanted one; heavier wins a tie for bold, lighter for regular. */
function weightDistance(weight: number, wanted: number): number {
  const distance = Math.abs(weight - wanted);
  return distance + ((weight > wanted) === (wanted >= 500) ? 0 : 0.5);
}

function fontGroups(dirs: readonly string[], exclude: readonly string[]): Promise<FontGroup[]> {
  const key = [...dirs, "", ...exclude].join("\n");
  let groups = groupsByDirs.get(key);
  if (groups === undefined) {
    groups = Promise.try(() => listGroups(dirs, exclude));
    remember(groupsByDirs, key, groups);
  }
  return groups;
}

function listGroups(dirs: readonly string[], exclude: readonly string[]): FontGroup[] {
  const byStem = new Map<string, FontGroup>();
  for (const dir of dirs) {
    const names: string[] = [];
    try {
      // Synchronous, as the fonts' identity stats them: a few folders, read at every render's start.
      for (const entry of Deno.readDirSync(dir)) {
        if (!entry.isDirectory && FONT_FILE.test(entry.name) && !SLANTED.test(entry.name)) {
          names.push(entry.name);
        }
      }
    } catch (error) {
      // A fallback folder that is not installed (or is a file, a loop of links, one this user may not list:
      // REEL_FONT_DIR set wrong, which the primary fonts then report; fi22) simply adds no fonts.
      if (pathTrouble(error, dir) === null) throw error;
    }
    for (const name of names.sort()) {
      const path = `${dir}/${name}`;
      if (exclude.includes(path)) continue;
      const stem = name.replace(FONT_FILE, "").replace(/-[^-]*$/, "");
      const group = byStem.get(stem) ?? { stem, rank: rank(stem), files: [] };
      group.files.push(path);
      byStem.set(stem, group);
    }
  }
  return [...byStem.values()].sort((a, b) =>
    a.rank - b.rank || (a.stem < b.stem ? -1 : a.stem > b.stem ? 1 : 0)
  );
}

/** 0 for Noto Sans itself, 1 for other Noto Sans families, 2 for other sans families, 3 for serif families. */
function rank(stem: string): number {
  if (stem === "NotoSans") return 0;
  if (/serif/i.test(stem)) return 3;
  if (stem.startsWith("NotoSans") && !/mono|display/i.test(stem)) return 1;
  return 2;
}

function readFaces(file: string): Promise<SfntFace[]> {
  let faces = facesByFile.get(file);
  if (faces === undefined) {
    faces = readSfntFaces(file);
    remember(facesByFile, file, faces);
  }
  return faces;
}

/** Caches `value`, forgetting it if it fails so that a later call tries again. */
function remember<T>(cache: Map<string, Promise<T>>, key: string, value: Promise<T>): void {
  cache.set(key, value);
  value.catch(() => cache.delete(key));
}
