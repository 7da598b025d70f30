import * as vscode from 'vscode';
import { FIRST_BUILD_STEPS, type FirstBuildProgress, type FirstBuildStep } from '../core/commands/first-build-progress';
import type { DoctorReport } from '../core/toolchain/doctor';
import type { EngineWorker } from './engine-worker-client';
import type { WorkspaceRegistry } from './workspace-registry';

/** The walkthrough's id, as `workbench.action.openWalkthrough` takes it. */
export const WALKTHROUGH_ID = 'rust-pgo.rust-pgo#pgo.firstBuild';

/** `pgo.step.<step>`: the context key a walkthrough step's completionEvents waits for (with pgo.walkthroughShown). */
export const stepContextKey = (step: FirstBuildStep): string => `pgo.step.${step}`;

/**
 * Sets one context key per step of the "first PGO build" walkthrough from what exists on disk
 * (core/commands/first-build-progress.ts), so a step completes when its result appears (a profile,
 * an optimized build, bench results, an archive), not when its button is clicked. The files are read
 * in the engine worker, not on the extension host. Recomputed on
 * every registry change: pgo.yaml and Cargo.toml edits, the artifact folder's files, and archives
 * written into a workspace root (watched here).
 */
export class WalkthroughContext implements vscode.Disposable {
  private readonly disposables: vscode.Disposable[] = [];
  /** The last verdict of "Check Prerequisites" per Cargo workspace root. */
  private readonly doctor = new Map<string, boolean>();
  private current: FirstBuildProgress = Object.fromEntries(FIRST_BUILD_STEPS.map((s) => [s, false])) as FirstBuildProgress;
  private latest: Promise<void> = Promise.resolve();

  constructor(
    private readonly registry: WorkspaceRegistry,
    private readonly worker: EngineWorker,
  ) {
    const archives = vscode.workspace.createFileSystemWatcher('**/pgo-profiles-*.tar.gz');
    const onArchive = (): void => registry.schedule(false);
    this.disposables.push(archives, archives.onDidCreate(onArchive), archives.onDidDelete(onArchive), registry.onDidChange(() => void this.update()));
    // VS Code (1.100) registers extension walkthroughs a few seconds after startup; a step whose
    // `onContext` expression is already true then is recorded as seen but never completed. So each
    // step also waits for `pgo.walkthroughShown`, false until our walkthrough is opened (by
    // "PGO: Get Started", or seen among the tabs: labelled with our display name, with no input
    // type of the API); then every step whose result exists completes at once, later ones as they appear.
    this.disposables.push(vscode.window.tabGroups.onDidChangeTabs(() => this.noticeWalkthroughTab()));
  }

  private shown = false;

  /** Called once the walkthrough is open: from now on its steps may complete. */
  async markShown(): Promise<void> {
    if (this.shown) return;
    this.shown = true;
    await vscode.commands.executeCommand('setContext', 'pgo.walkthroughShown', true);
  }

  private noticeWalkthroughTab(): void {
    if (this.shown) return;
    const displayName = (vscode.extensions.getExtension('rust-pgo.rust-pgo')?.packageJSON as { displayName?: string } | undefined)?.displayName ?? 'Rust PGO';
    // The page's label names the walkthrough only once VS Code has registered it.
    if (vscode.window.tabGroups.all.some((g) => g.tabs.some((t) => t.input === undefined && t.label.endsWith(displayName)))) void this.markShown();
  }

  /** The values last given to setContext, per step. */
  get progress(): Readonly<FirstBuildProgress> {
    return this.current;
  }

  /** Resolves once the update started by the latest change has set its keys. */
  whenUpdated(): Promise<void> {
    return this.latest;
  }

  recordDoctor(root: string, report: DoctorReport): Promise<void> {
    this.doctor.set(root, report.ok);
    return this.update();
  }

  update(): Promise<void> {
    this.noticeWalkthroughTab(); // a label change fires no tab event: look again on every change
    const workspaces = this.registry.workspaces.flatMap((w) => (w.project ? [{ project: w.project, doctorPassed: this.doctor.get(w.root) }] : []));
    // Chained: an older update may not finish after a newer one and leave its keys behind. The
    // state is read when this update's turn comes, so the keys follow the newest files.
    this.latest = this.latest.then(async () => {
      let next: FirstBuildProgress;
      try {
        next = await this.worker.firstBuildProgress(workspaces);
      } catch {
        return; // the worker was stopped (the extension is going): the keys stay as they were
      }
      await Promise.all(FIRST_BUILD_STEPS.map((s) => vscode.commands.executeCommand('setContext', stepContextKey(s), next[s])));
      this.current = next;
    });
    return this.latest;
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}
