/**
 * Cargo's `cfg(...)` target keys (`[target.'cfg(unix)']`, `cfg(all(target_os = "linux", not(debug_assertions)))`)
 * evaluated against `rustc --print cfg` lines (`unix`, `target_os="linux"`). Supports names,
 * `name = "value"`, `all()`, `any()` and `not()`, which is the whole grammar cargo accepts.
 * Returns undefined for a key that does not parse, so the caller can say it was skipped.
 */
export function cfgKeyMatches(key: string, rustcCfg: readonly string[]): boolean | undefined {
  const m = /^cfg\((.*)\)$/s.exec(key.trim());
  if (!m) return undefined;
  const set = new Set(rustcCfg.map(normalizeCfgLine));
  try {
    const p = new CfgParser(m[1] ?? '');
    const value = p.expr(set);
    p.end();
    return value;
  } catch {
    return undefined;
  }
}

/** `target_os="linux"` and `target_os = "linux"` are the same cfg. */
function normalizeCfgLine(line: string): string {
  const eq = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*=\s*"(.*)"\s*$/.exec(line);
  return eq ? `${eq[1]}="${eq[2]}"` : line.trim();
}

class CfgParser {
  private pos = 0;
  constructor(private readonly text: string) {}

  private skip(): void {
    while (/\s/.test(this.text[this.pos] ?? '')) this.pos++;
  }

  private ident(): string {
    this.skip();
    const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(this.text.slice(this.pos));
    if (!m) throw new Error(`expected a name at ${this.pos}`);
    this.pos += m[0].length;
    return m[0];
  }

  private eat(ch: string): boolean {
    this.skip();
    if (this.text[this.pos] !== ch) return false;
    this.pos++;
    return true;
  }

  private expect(ch: string): void {
    if (!this.eat(ch)) throw new Error(`expected "${ch}" at ${this.pos}`);
  }

  end(): void {
    this.skip();
    if (this.pos !== this.text.length) throw new Error(`unexpected text at ${this.pos}`);
  }

  expr(set: ReadonlySet<string>): boolean {
    const name = this.ident();
    if ((name === 'all' || name === 'any' || name === 'not') && this.eat('(')) {
      const values: boolean[] = [];
      while (!this.eat(')')) {
        values.push(this.expr(set));
        if (!this.eat(',')) {
          this.expect(')');
          break;
        }
      }
      if (name === 'not') {
        if (values.length !== 1) throw new Error('not() takes one predicate');
        return !values[0];
      }
      return name === 'all' ? values.every(Boolean) : values.some(Boolean);
    }
    if (this.eat('=')) {
      this.skip();
      const m = /^"((?:[^"\\]|\\.)*)"/.exec(this.text.slice(this.pos));
      if (!m) throw new Error(`expected a quoted value at ${this.pos}`);
      this.pos += m[0].length;
      return set.has(`${name}="${m[1]}"`);
    }
    return set.has(name);
  }
}
