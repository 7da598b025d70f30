import * as vscode from 'vscode';
import { Commands } from './commands';
import { ReportDocuments } from './doctor-report';
import { PgoTaskProvider, TASK_TYPE } from './pgo-tasks';
import { ProfilesTree } from './profiles-tree';
import { StatusBar } from './status-bar';
import { TaskRunner } from './task-runner';
import { WorkspaceRegistry } from './workspace-registry';
import { HeatIndex } from './heat-index';
import { HotPathAnnotations } from './hot-path-annotations';
import { ReportPanel } from './report-panel';
import { EngineWorker } from './engine-worker-client';
import { WalkthroughContext } from './walkthrough-context';

/**
 * The thin VS Code layer over the engine in src/core. The manifest declares the extension
 * unsupported in untrusted workspaces; VS Code still loads an extension under development in
 * Restricted Mode, so activation checks trust itself: until the folder is trusted, nothing here
 * starts a process, reads pgo.yaml or the pgo.* settings, or registers a command.
 */
export interface PgoExtensionApi {
  registry: WorkspaceRegistry;
  tree: ProfilesTree;
  heat: HeatIndex;
  annotations: HotPathAnnotations;
  cliPath: string;
  reportPanel: ReportPanel;
  status: StatusBar;
  walkthrough: WalkthroughContext;
}

export async function activate(context: vscode.ExtensionContext): Promise<PgoExtensionApi | undefined> {
  if (!vscode.workspace.isTrusted) {
    context.subscriptions.push(vscode.workspace.onDidGrantWorkspaceTrust(() => void start(context)));
    return undefined;
  }
  return start(context);
}

async function start(context: vscode.ExtensionContext): Promise<PgoExtensionApi> {
  const log = vscode.window.createOutputChannel('Rust PGO', { log: true });
  const cliPath = context.asAbsolutePath('dist/cli.js');
  const worker = new EngineWorker();
  const registry = new WorkspaceRegistry(log, worker);
  const status = new StatusBar(registry);
  const reports = new ReportDocuments();
  const runner = new TaskRunner(cliPath, registry, status, log);
  const heat = new HeatIndex(registry, worker);
  const annotations = new HotPathAnnotations(heat);
  const tree = new ProfilesTree(registry, heat, worker);
  const reportPanel = new ReportPanel(registry, worker, log);
  const walkthrough = new WalkthroughContext(registry, worker);
  context.subscriptions.push(
    reportPanel,
    walkthrough,
    log,
    worker,
    registry,
    status,
    reports,
    heat,
    annotations,
    tree,
    vscode.languages.registerCodeLensProvider({ language: 'rust', scheme: 'file' }, annotations),
    vscode.workspace.registerTextDocumentContentProvider(ReportDocuments.scheme, reports),
    vscode.window.createTreeView('pgo.profiles', { treeDataProvider: tree, showCollapseAll: true }),
    vscode.tasks.registerTaskProvider(TASK_TYPE, new PgoTaskProvider(cliPath, registry)),
    ...new Commands({ registry, runner, reports, log, heat, annotations, worker, reportPanel, walkthrough }).register(),
  );
  await registry.setRunning(false);
  // cargo metadata runs in the background: activation returns at once, commands wait for it.
  const started = Date.now();
  registry.reload().then(
    () => log.info(`loaded ${registry.workspaces.length} Cargo workspace(s) in ${Date.now() - started} ms`),
    (e: unknown) => log.error(`loading the Cargo workspaces failed: ${String(e)}`),
  );
  log.info(`activated (VS Code ${vscode.version})`);
  return { registry, tree, heat, annotations, cliPath, reportPanel, status, walkthrough };
}

export function deactivate(): void {
  // Disposables are released through context.subscriptions.
}
