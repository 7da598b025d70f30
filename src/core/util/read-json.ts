import * as fs from 'node:fs';

/** The parsed JSON in `file`, or undefined when it is missing or unreadable (the callers' "none yet"). */
export function readJson<T>(file: string): T | undefined {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as T;
  } catch {
    return undefined;
  }
}
