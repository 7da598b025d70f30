import * as path from 'node:path';

/**
 * Where each phase reads and writes, under the artifact root (default `<target>/pgo`). The user's
 * own `target/release` is never touched: each build has its own cargo target directory.
 *
 *   <root>/pgo.lock
 *   <root>/<component>/instrumented/        cargo target dir of the instrumented build
 *   <root>/<component>/raw/<run-id>/<wl>/   .profraw files of one workload run, per command
 *   <root>/<component>/<component>.profdata the last good merged profile (+ .json metadata)
 *   <root>/<component>/optimized/           cargo target dir of the profile-guided build
 */
export class ArtifactLayout {
  constructor(readonly root: string) {}

  get lockFile(): string {
    return path.join(this.root, 'pgo.lock');
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

  /** The settings the instrumented build used, so the optimized build can prove it matches. */
  instrumentStamp(component: string): string {
    return path.join(this.instrumentedTargetDir(component), 'pgo-build-settings.json');
  }
}
