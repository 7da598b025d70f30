import { displayName } from './hot-functions';
import type { ProfileDiff } from './profile-diff';
import type { SourceIndex } from './source-index';

/** Display name → the `fn` line a profile's source index recorded for it. */
export type DiffLocations = Record<string, { file: string; line: number }>;

/** Every function a diff lists. */
export function listedFunctions(d: ProfileDiff): Set<string> {
  return new Set([...d.hotter, ...d.colder, ...d.appeared, ...d.vanished].map((x) => x.display));
}

/**
 * Where the functions a diff lists are defined, from the profiles' source indexes (the newer one
 * first: its lines are nearer today's sources). Matched like the diff matches: by demangled name
 * without the symbol hash. A function no index knows has no entry.
 */
export function locateDiffFunctions(d: ProfileDiff, indexes: readonly (SourceIndex | undefined)[]): DiffLocations {
  const wanted = listedFunctions(d);
  const found: DiffLocations = {};
  for (const index of indexes) {
    if (!index) continue;
    for (const [file, heats] of Object.entries(index.files)) {
      for (const heat of heats) {
        // Generic functions are indexed under a key without their type arguments: their records tell.
        const names = heat.records.length === 1 && !heat.display.includes('<') ? [heat.display] : heat.records.map(displayName);
        for (const name of names) if (wanted.has(name) && !found[name]) found[name] = { file, line: heat.line };
      }
    }
  }
  return found;
}
