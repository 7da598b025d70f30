import { createHash } from 'node:crypto';

/**
 * The text of a Rust function from its `fn` line to its closing brace, found by matching braces
 * while skipping comments, strings and char literals. Used to tell whether a function changed
 * since the profile was recorded: its hash is stored with the profile and compared later.
 */
export function functionExtent(lines: readonly string[], startLine: number): { start: number; end: number } | undefined {
  let depth = 0;
  let opened = false;
  let inBlockComment = 0;
  for (let i = startLine; i < lines.length; i++) {
    const line = lines[i] ?? '';
    for (let j = 0; j < line.length; j++) {
      const c = line[j];
      const next = line[j + 1];
      if (inBlockComment > 0) {
        if (c === '*' && next === '/') {
          inBlockComment--;
          j++;
        } else if (c === '/' && next === '*') {
          inBlockComment++;
          j++;
        }
        continue;
      }
      if (c === '/' && next === '/') break; // line comment
      if (c === '/' && next === '*') {
        inBlockComment++;
        j++;
        continue;
      }
      if (c === '"') {
        // Skip a string literal (raw strings with # are rare in fn bodies; treated the same).
        j++;
        while (j < line.length && line[j] !== '"') j += line[j] === '\\' ? 2 : 1;
        continue;
      }
      if (c === "'" && /^'(\\.|[^\\'])'/.test(line.slice(j, j + 4))) {
        j += line[j + 1] === '\\' ? 3 : 2; // a char literal, not a lifetime
        continue;
      }
      if (c === ';' && !opened && depth === 0) return { start: startLine, end: i }; // declaration without body
      if (c === '{') {
        depth++;
        opened = true;
      } else if (c === '}') {
        depth--;
        if (opened && depth === 0) return { start: startLine, end: i };
      }
    }
  }
  return undefined;
}

/** Whitespace-insensitive hash of the function's text, so re-indenting is not a change. */
export function functionHash(lines: readonly string[], startLine: number): string | undefined {
  const ext = functionExtent(lines, startLine);
  if (!ext) return undefined;
  const text = lines.slice(ext.start, ext.end + 1).join('\n').replace(/\s+/g, ' ').trim();
  return createHash('sha1').update(text).digest('hex').slice(0, 16);
}
