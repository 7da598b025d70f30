import * as vscode from 'vscode';
import type { ProjectOverrides } from '../core/config/resolve-project';

/** The `pgo.*` settings of one workspace folder (they are resource-scoped for multi-root). */
export interface PgoSettings {
  llvmProfdataPath?: string;
  defaultComponent?: string;
  defaultSize?: number;
  extraRustflags: string[];
  minFreeDiskGb?: number;
}

export function readSettings(folder: vscode.Uri): PgoSettings {
  const c = vscode.workspace.getConfiguration('pgo', folder);
  const text = (key: string): string | undefined => {
    const v = c.get<string>(key)?.trim();
    return v ? v : undefined;
  };
  const num = (key: string): number | undefined => {
    const v = c.get<number | null>(key);
    return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
  };
  return {
    llvmProfdataPath: text('llvmProfdataPath'),
    defaultComponent: text('defaultComponent'),
    defaultSize: num('defaultSize'),
    extraRustflags: (c.get<string[]>('extraRustflags') ?? []).filter((f) => typeof f === 'string' && f.length > 0),
    minFreeDiskGb: num('minFreeDiskGb'),
  };
}

export function toOverrides(s: PgoSettings): ProjectOverrides {
  return {
    llvmProfdataPath: s.llvmProfdataPath,
    defaultComponent: s.defaultComponent,
    defaultSize: s.defaultSize,
    extraRustflags: s.extraRustflags,
    minFreeDiskGb: s.minFreeDiskGb,
  };
}

/** The same settings as CLI flags, for the task terminal (the CLI is what a task runs). */
export function toCliFlags(s: PgoSettings): string[] {
  const flags: string[] = [];
  if (s.llvmProfdataPath) flags.push('--llvm-profdata', s.llvmProfdataPath);
  for (const f of s.extraRustflags) flags.push(`--rustflag=${f}`);
  if (s.minFreeDiskGb !== undefined) flags.push('--min-free-gb', String(s.minFreeDiskGb));
  return flags;
}
