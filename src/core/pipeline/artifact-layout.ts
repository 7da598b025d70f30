import * as fs from 'node:fs';
import * as path from 'node:path';
import { ExitCode, PgoError } from '../errors';
import { ensureWritableDir } from '../util/writable-dir';
import { isStrictlyInside, realPathLoose } from '../util/safe-path';
import { RunLock } from './run-lock';

/** Written into the artifact root when the engine creates it: clean deletes only what it owns. */
export const OWNER_MARKER = '.rust-pgo';

const LOCK_FILE = 'pgo.lock';

/** The run lock and its short-lived companions (being written, being taken over). */
export function isLockFileName(name: string): boolean {
  return name === LOCK_FILE || name.startsWith(`${LOCK_FILE}.`);
}

/**
 * Where each phase reads and writes, under the artifact root (default `<target>/pgo`). The user's
 * own `target/release` is never touched: each build has its own cargo target directory.
 *
 *   <root>/pgo.lock
 *   <root>/<component>/instrumented/        cargo target dir of the instrumented build
 *   <root>/<component>/raw/<run-id>/<wl>/   .profraw files of one workload run, per command
 *   <root>/<component>/<component>.profdata the last good merged profile (+ .json metadata)
 *   <root>/<component>/previous/            the one it replaced (same file names), for comparisons
 *   <root>/<component>/optimized/           cargo target dir of the profile-guided build
 */
export class ArtifactLayout {
  /** `workspaceRoot`: the workspace this layout serves, recorded in the marker and checked against it. */
  constructor(
    readonly root: string,
    readonly workspaceRoot?: string,
  ) {}

  /** The workspace named in the marker (markers of older versions name none). */
  markerOwner(): string | undefined {
    try {
      return /^workspace: (.+)$/m.exec(fs.readFileSync(path.join(this.root, OWNER_MARKER), 'utf8'))?.[1];
    } catch {
      return undefined;
    }
  }

  /**
   * Refuse a root that another workspace made: with the same artifactDir (or an old shared
   * `<target>/pgo`), its pipeline would overwrite the other's profiles and clean would delete them.
   */
  checkOwner(): void {
    const owner = this.markerOwner();
    if (!owner || !this.workspaceRoot || realPathLoose(owner) === realPathLoose(this.workspaceRoot)) return;
    // A workspace copied or moved together with its target/ carries the old path in the marker: a
    // folder inside this workspace, or one whose recorded workspace is gone, is this workspace's.
    if (isStrictlyInside(this.root, this.workspaceRoot) || !fs.existsSync(path.join(owner, 'Cargo.toml'))) {
      try {
        this.writeMarker();
      } catch {
        /* a read-only workspace: the marker is rewritten by the next run that can write */
      }
      return;
    }
    throw new PgoError(
      `${this.root} holds the PGO data of another workspace (${owner})`,
      'give this workspace an artifact folder of its own: set artifactDir in its pgo.yaml, or remove artifactDir (with a target directory outside the workspace the default is per workspace)',
      ExitCode.Usage,
    );
  }

  /** The root exists and was made by Rust PGO (it holds the marker). */
  isOwned(): boolean {
    return fs.existsSync(path.join(this.root, OWNER_MARKER));
  }

  /**
   * Create the root, or adopt it when it is empty. A folder that already holds other things (say
   * `artifactDir: target/release`) is refused: the engine would later delete in it.
   */
  ensureRoot(): void {
    if (this.isOwned()) return this.checkOwner();
    const exists = fs.existsSync(this.root);
    if (exists && fs.readdirSync(this.root).some((n) => !isLockFileName(n))) {
      throw new PgoError(
        `${this.root} already holds files that Rust PGO did not create, so it cannot be the artifact directory (clean would delete them)`,
        'set artifactDir in pgo.yaml to a folder of its own, e.g. target/pgo, or empty that folder',
        ExitCode.Usage,
      );
    }
    ensureWritableDir(this.root);
    this.writeMarker();
  }

  private writeMarker(): void {
    const owner = this.workspaceRoot ? `workspace: ${this.workspaceRoot}\n` : '';
    fs.writeFileSync(path.join(this.root, OWNER_MARKER), `Created by Rust PGO: its profiles and builds. \`pgo clean\` deletes this folder.\n${owner}`);
  }

  get lockFile(): string {
    return path.join(this.root, LOCK_FILE);
  }

  /**
   * Create the root if needed and take its run lock. A `clean` that removed the root between the
   * two leaves a fresh folder holding only our lock: it is marked as ours again, under the lock.
   */
  lock(command: string): RunLock {
    this.ensureRoot();
    const lock = RunLock.acquire(this.lockFile, command);
    try {
      this.ensureRoot();
    } catch (e) {
      lock.release();
      throw e;
    }
    return lock;
  }

  componentDir(component: string): string {
    return path.join(this.root, component);
  }

  instrumentedTargetDir(component: string): string {
    return path.join(this.componentDir(component), 'instrumented');
  }

  optimizedTargetDir(component: string): string {
    return path.join(this.componentDir(component), 'optimized');
  }

  /** Where binaries land for a `--target <host>` build with the given cargo profile. */
  static binDir(targetDir: string, host: string, profile: string): string {
    return path.join(targetDir, host, profile === 'dev' || profile === 'test' ? 'debug' : profile === 'bench' ? 'release' : profile);
  }

  rawRoot(component: string): string {
    return path.join(this.componentDir(component), 'raw');
  }

  profdata(component: string): string {
    return path.join(this.componentDir(component), `${component}.profdata`);
  }

  metadata(component: string): string {
    return `${this.profdata(component)}.json`;
  }

  /** The profile keyed by source file, for editors (see source-index.ts). */
  sourceIndex(component: string): string {
    return `${this.profdata(component)}.index.json`;
  }

  /** A profile and what belongs to it: what archive keeps and delete removes. */
  profileFiles(component: string): string[] {
    return [this.profdata(component), this.metadata(component), this.sourceIndex(component)];
  }

  /** Where a merge keeps the profile it replaced (one copy: PGO: Compare Profiles' "previous"). */
  previousDir(component: string): string {
    return path.join(this.componentDir(component), 'previous');
  }

  previousProfdata(component: string): string {
    return path.join(this.previousDir(component), `${component}.profdata`);
  }

  /** The settings the instrumented build used, so the optimized build can prove it matches. */
  instrumentStamp(component: string): string {
    return path.join(this.instrumentedTargetDir(component), 'pgo-build-settings.json');
  }
}
