import * as path from 'node:path';
import { ArtifactLayout } from '../pipeline/artifact-layout';

/**
 * The artifact layout of one `pgo bench` variant: the same tree as the pipeline's (so every phase
 * function works unchanged), rooted at `<root>/<component>/variants/<variant>/`. Each variant has
 * its own target directories and its own profile: symbol hashes depend on the build settings, so a
 * profile recorded under other settings would silently not apply.
 */
export class VariantLayout extends ArtifactLayout {
  constructor(
    root: string,
    readonly variant: string,
  ) {
    super(root);
  }

  override componentDir(component: string): string {
    return path.join(this.root, component, 'variants', variantDirName(this.variant));
  }

  /** Target directory of a variant built without a profile (release, lto). */
  plainTargetDir(component: string): string {
    return path.join(this.componentDir(component), 'build');
  }
}

/** `lto+pgo` → `lto+pgo`; anything unusual in a folder name becomes "_". */
export function variantDirName(variant: string): string {
  return variant.replace(/[^A-Za-z0-9_.+-]/g, '_');
}
