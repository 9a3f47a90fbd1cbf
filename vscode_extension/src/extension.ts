// Tessera for VS Code: one tessera-lsp client per workspace folder (plus
// one for files outside any folder), the pipeline's passes as read-only
// documents and diffs, compile/run/explorer commands, and a custom editor
// for MLIR bytecode.

import * as cp from "child_process";
import * as fs from "fs";
import * as path from "path";
import * as vscode from "vscode";
import {
  CloseAction,
  CloseHandlerResult,
  ErrorHandler,
  LanguageClient,
  LanguageClientOptions,
  ServerOptions,
  State,
} from "vscode-languageclient/node";

import { describePass, PassRecord, TesseraRequests } from "./protocol";
import { folderSelector, looseFilesSelector, SERVED_SCHEMES } from "./selectors";
import { Filesystem, resolveTool, siblingTool } from "./serverPath";
import {
  needsRestart,
  TesseraSettings,
  toServerConfiguration,
} from "./settings";

const IR_SCHEME = "tessera-ir";
const BYTECODE_SCHEME = "tessera-bytecode";
/** The bytecode editor's link to the text form (a command URI). */
const OPEN_BYTECODE_AS_TEXT = "tessera.openBytecodeAsText";

const realFilesystem: Filesystem = {
  isFile(file: string): boolean {
    try {
      return fs.statSync(file).isFile();
    } catch {
      return false;
    }
  },
};

function readSettings(scope?: vscode.ConfigurationScope): TesseraSettings {
  const config = vscode.workspace.getConfiguration("tessera", scope);
  return {
    serverPath: config.get<string>("server.path", ""),
    serverArgs: config.get<string[]>("server.args", []),
    targets: config.get<string[]>("targets", ["llvm-cpu"]),
    pipelineDiagnostics: config.get("pipelineDiagnostics", "onType"),
    compileTo: config.get<string>("compileTo", "loader"),
  };
}

/** A running server for one workspace folder (or for loose files). */
class FolderClient {
  client?: LanguageClient;
  serverPath?: string;
  settings: TesseraSettings;
  /** For the client of files outside any folder: the files it serves. */
  readonly looseFiles = new Set<string>();
  private watcher?: fs.FSWatcher;
  private steps: Promise<void> = Promise.resolve();

  constructor(
    readonly folder: vscode.WorkspaceFolder | undefined,
    private readonly output: vscode.OutputChannel,
    private readonly onState: () => void,
  ) {
    this.settings = readSettings(folder);
  }

  get name(): string {
    return this.folder ? this.folder.name : "(no folder)";
  }

  async start(): Promise<void> {
    this.settings = readSettings(this.folder);
    const resolved = resolveTool(
      "tessera-lsp",
      this.settings.serverPath,
      this.folder?.uri.fsPath,
      process.env.PATH,
      realFilesystem,
    );
    if ("error" in resolved) {
      this.output.appendLine(`[${this.name}] ${resolved.error}`);
      void vscode.window.showErrorMessage(`Tessera: ${resolved.error}`);
      this.onState();
      return;
    }
    this.serverPath = resolved.path;
    this.output.appendLine(
      `[${this.name}] starting ${resolved.path} (${resolved.source})`,
    );
    const serverOptions: ServerOptions = {
      command: resolved.path,
      args: this.settings.serverArgs,
    };
    const selector = this.folder
      ? folderSelector(this.folder.uri.fsPath)
      : looseFilesSelector(this.looseFiles);
    const clientOptions: LanguageClientOptions = {
      documentSelector: selector,
      workspaceFolder: this.folder,
      outputChannel: this.output,
      initializationOptions: toServerConfiguration(this.settings),
      errorHandler: this.sayWhenRestarted(),
    };
    this.client = new LanguageClient(
      "tessera",
      `Tessera (${this.name})`,
      serverOptions,
      clientOptions,
    );
    this.client.onDidChangeState(() => this.onState());
    await this.client.start();
    this.watchBinary(resolved.path);
    this.onState();
  }

  /**
   * The client's own restart policy (up to 4 restarts in 3 minutes), which
   * restarts a crashed server silently: this one tells the user.
   */
  private sayWhenRestarted(): ErrorHandler {
    let policy: ErrorHandler | undefined;
    const defaults = () =>
      (policy ??= this.client!.createDefaultErrorHandler(4));
    return {
      error: (error, message, count) => defaults().error(error, message, count),
      closed: async (): Promise<CloseHandlerResult> => {
        const result = await defaults().closed();
        if (result.action === CloseAction.Restart) {
          const message = `Tessera: the language server (${this.name}) stopped unexpectedly and was restarted.`;
          this.output.appendLine(`[${this.name}] the server stopped; restarting it`);
          void vscode.window.showWarningMessage(message, "Show Output").then(
            (choice) => choice && this.output.show(true),
          );
          return { ...result, handled: true };
        }
        return result;
      },
    };
  }

  /** Runs `step` (a start or restart) after those queued before it. */
  enqueue(step: () => Promise<void>): Promise<void> {
    this.steps = this.steps.then(step).catch((error) => {
      this.output.appendLine(`[${this.name}] ${String(error)}`);
    });
    return this.steps;
  }

  /** Resolves when the queued starts and restarts are done. */
  settled(): Promise<void> {
    return this.steps;
  }

  async stop(): Promise<void> {
    this.watcher?.close();
    this.watcher = undefined;
    const client = this.client;
    this.client = undefined;
    if (client) await client.stop();
    this.onState();
  }

  async restart(): Promise<void> {
    await this.stop();
    await this.start();
  }

  /** New settings: restart for a new binary/arguments, else tell it. */
  async reconfigure(): Promise<void> {
    const next = readSettings(this.folder);
    if (needsRestart(this.settings, next) || !this.client) {
      await this.restart();
      return;
    }
    this.settings = next;
    await this.client.sendNotification("workspace/didChangeConfiguration", {
      settings: { tessera: toServerConfiguration(next) },
    });
  }

  requests(): TesseraRequests | undefined {
    const client = this.client;
    if (!client || client.state !== State.Running) return undefined;
    return new TesseraRequests((method, params) =>
      client.sendRequest(method, params),
    );
  }

  private watchBinary(binary: string): void {
    // A rebuilt server: offer to restart onto it.
    try {
      let pending = false;
      this.watcher = fs.watch(binary, () => {
        if (pending) return;
        pending = true;
        setTimeout(async () => {
          pending = false;
          const choice = await vscode.window.showInformationMessage(
            `Tessera: ${path.basename(binary)} changed. Restart the server?`,
            "Restart",
          );
          if (choice === "Restart") await this.restart();
        }, 1000);
      });
    } catch {
      // Not watchable (e.g. removed): nothing to offer.
    }
  }
}

class Extension {
  private readonly clients = new Map<string, FolderClient>();
  private readonly output = vscode.window.createOutputChannel("Tessera");
  private readonly status = vscode.window.createStatusBarItem(
    vscode.StatusBarAlignment.Left,
    10,
  );
  private readonly irDocuments = new Map<string, string>();
  private readonly irChanged = new vscode.EventEmitter<vscode.Uri>();
  private lastCompile = "";

  constructor(private readonly context: vscode.ExtensionContext) {
    context.subscriptions.push(this.output, this.status, this.irChanged);
    this.status.command = "tessera.showPasses";
    this.updateStatus();
  }

  activate(): void {
    const context = this.context;
    context.subscriptions.push(
      vscode.workspace.registerTextDocumentContentProvider(IR_SCHEME, {
        onDidChange: this.irChanged.event,
        provideTextDocumentContent: (uri) =>
          this.irDocuments.get(uri.toString()) ?? "",
      }),
      vscode.workspace.registerTextDocumentContentProvider(BYTECODE_SCHEME, {
        provideTextDocumentContent: (uri) => this.bytecodeText(uri),
      }),
      vscode.window.registerCustomEditorProvider(
        "tessera.mlirbc",
        new BytecodeEditorProvider(this),
        { supportsMultipleEditorsPerDocument: true },
      ),
      vscode.workspace.onDidOpenTextDocument((document) =>
        this.ensureClient(document),
      ),
      vscode.workspace.onDidChangeWorkspaceFolders(async (event) => {
        for (const folder of event.removed) {
          await this.clients.get(folder.uri.toString())?.stop();
          this.clients.delete(folder.uri.toString());
        }
      }),
      vscode.workspace.onDidChangeConfiguration(async (event) => {
        if (!event.affectsConfiguration("tessera")) return;
        for (const client of this.clients.values()) await client.reconfigure();
        this.updateStatus();
      }),
      vscode.commands.registerCommand("tessera.restartServer", () =>
        this.restartAll(),
      ),
      vscode.commands.registerCommand("tessera.showPasses", (uri?: string) =>
        this.showPasses(uri),
      ),
      vscode.commands.registerCommand("tessera.diffWithPreviousPass", () =>
        this.diffWithPreviousPass(),
      ),
      vscode.commands.registerCommand("tessera.compileFile", (uri?: string) =>
        this.compileFile(uri),
      ),
      // The server's code lenses name these commands.
      vscode.commands.registerCommand("tessera.compile", (uri?: string) =>
        this.compileFile(uri),
      ),
      vscode.commands.registerCommand(
        "tessera.runFunction",
        (uri?: string, fn?: string) => this.runFunction(uri, fn),
      ),
      vscode.commands.registerCommand("tessera.run", (uri?: string, fn?: string) =>
        this.runFunction(uri, fn),
      ),
      vscode.commands.registerCommand("tessera.openInExplorer", () =>
        this.openInExplorer(),
      ),
      // In the text editor: vscode.open would pick the bytecode editor again
      // (its selector matches the .mlirbc name whatever the scheme).
      vscode.commands.registerCommand(OPEN_BYTECODE_AS_TEXT, (uri: string) =>
        vscode.commands.executeCommand("vscode.openWith", vscode.Uri.parse(uri), "default"),
      ),
      { dispose: () => void this.stopAll() },
    );
    for (const document of vscode.workspace.textDocuments)
      this.ensureClient(document);
  }

  // --- Clients -------------------------------------------------------------

  private folderKey(folder?: vscode.WorkspaceFolder): string {
    return folder ? folder.uri.toString() : "";
  }

  ensureClient(document: vscode.TextDocument): FolderClient | undefined {
    if (document.languageId !== "mlir") return undefined;
    if (!SERVED_SCHEMES.includes(document.uri.scheme)) return undefined;
    const folder = vscode.workspace.getWorkspaceFolder(document.uri);
    const client = this.clients.get(this.folderKey(folder));
    const loose = !folder && document.uri.scheme === "file";
    if (!client) return this.startClient(folder, loose ? document.uri.fsPath : undefined);
    if (loose && !client.looseFiles.has(document.uri.fsPath)) {
      // Its selector names its files: restart it onto the new one.
      client.looseFiles.add(document.uri.fsPath);
      void client.enqueue(() => client.restart());
    }
    return client;
  }

  /** A new client for `folder` (or, with `looseFile`, for that file). */
  private startClient(folder?: vscode.WorkspaceFolder, looseFile?: string): FolderClient {
    const client = new FolderClient(folder, this.output, () => this.updateStatus());
    this.clients.set(this.folderKey(folder), client);
    if (looseFile) client.looseFiles.add(looseFile);
    void client.enqueue(() => client.start());
    return client;
  }

  private clientFor(uri: vscode.Uri): FolderClient | undefined {
    const folder = vscode.workspace.getWorkspaceFolder(uri);
    return this.clients.get(this.folderKey(folder));
  }

  private async restartAll(): Promise<void> {
    for (const client of this.clients.values()) await client.restart();
    if (!this.clients.size && vscode.window.activeTextEditor)
      this.ensureClient(vscode.window.activeTextEditor.document);
  }

  private async stopAll(): Promise<void> {
    for (const client of this.clients.values()) await client.stop();
  }

  private updateStatus(): void {
    const states = [...this.clients.values()].map((client) =>
      client.client?.state === State.Running
        ? "running"
        : client.client
          ? "starting"
          : "stopped",
    );
    const state = states.includes("stopped")
      ? "$(error) stopped"
      : states.includes("starting")
        ? "$(sync~spin) starting"
        : states.length
          ? "$(check)"
          : "$(circle-outline)";
    const targets = readSettings().targets.join(",");
    this.status.text = `Tessera ${state} ${targets}${this.lastCompile ? " · " + this.lastCompile : ""}`;
    this.status.tooltip = [...this.clients.values()]
      .map(
        (client) =>
          `${client.name}: ${client.serverPath ?? "no server"} (${
            client.client?.state === State.Running ? "running" : "not running"
          })`,
      )
      .join("\n");
    this.status.show();
  }

  // --- Commands ------------------------------------------------------------

  /** The MLIR document a command acts on, and its server. */
  private target(uri?: string):
    | { uri: vscode.Uri; requests: TesseraRequests }
    | undefined {
    const documentUri = uri
      ? vscode.Uri.parse(uri)
      : vscode.window.activeTextEditor?.document.languageId === "mlir"
        ? vscode.window.activeTextEditor.document.uri
        : undefined;
    if (!documentUri) {
      void vscode.window.showWarningMessage("Tessera: open an MLIR file first.");
      return undefined;
    }
    const requests = this.clientFor(documentUri)?.requests();
    if (!requests) {
      void vscode.window.showWarningMessage(
        "Tessera: the language server is not running (see the Tessera output).",
      );
      return undefined;
    }
    return { uri: documentUri, requests };
  }

  private irUri(source: vscode.Uri, pass: PassRecord, suffix = ""): vscode.Uri {
    const base = path.basename(source.path, ".mlir");
    return vscode.Uri.from({
      scheme: IR_SCHEME,
      path: `/${base} after ${pass.index} ${pass.name}${suffix}.mlir`,
      query: source.toString(),
    });
  }

  private async pickPass(
    target: { uri: vscode.Uri; requests: TesseraRequests },
    title: string,
  ): Promise<PassRecord | undefined> {
    const result = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Window, title: "Tessera: compiling" },
      () => target.requests.passes(target.uri.toString()),
    );
    if (!result.passes.length) {
      void vscode.window.showErrorMessage(
        `Tessera: no passes ran${
          result.diagnostics.length ? ": " + result.diagnostics[0].message : ""
        }`,
      );
      return undefined;
    }
    const picked = await vscode.window.showQuickPick(
      result.passes.map((pass) => ({
        label: describePass(pass),
        description: pass.argument,
        pass,
      })),
      { title, matchOnDescription: true },
    );
    return picked?.pass;
  }

  private async showPasses(uri?: string): Promise<void> {
    const target = this.target(uri);
    if (!target) return;
    const pass = await this.pickPass(target, "IR after pass");
    if (!pass) return;
    const result = await target.requests.irAfterPass(target.uri.toString(), pass.index);
    const irUri = this.irUri(target.uri, pass);
    this.irDocuments.set(irUri.toString(), result.ir);
    this.irChanged.fire(irUri);
    const document = await vscode.workspace.openTextDocument(irUri);
    await vscode.languages.setTextDocumentLanguage(document, "mlir");
    await vscode.window.showTextDocument(document, { preview: true });
  }

  private async diffWithPreviousPass(): Promise<void> {
    const target = this.target();
    if (!target) return;
    const pass = await this.pickPass(target, "Diff with the previous pass");
    if (!pass) return;
    const after = await target.requests.irAfterPass(target.uri.toString(), pass.index);
    const left = this.irUri(target.uri, pass, " (before)");
    const right = this.irUri(target.uri, pass);
    let before = "";
    if (after.previousIndex !== undefined && after.previousIndex >= 0)
      before = (
        await target.requests.irAfterPass(target.uri.toString(), after.previousIndex)
      ).ir;
    else before = (await vscode.workspace.openTextDocument(target.uri)).getText();
    this.irDocuments.set(left.toString(), before);
    this.irDocuments.set(right.toString(), after.ir);
    await vscode.commands.executeCommand(
      "vscode.diff",
      left,
      right,
      `${pass.name}: before ↔ after`,
    );
  }

  private async compileFile(uri?: string): Promise<void> {
    const target = this.target(uri);
    if (!target) return;
    const document = await vscode.workspace.openTextDocument(target.uri);
    if (document.isDirty) await document.save();
    const output = path.basename(target.uri.fsPath, ".mlir") + ".tsm";
    const result = await vscode.window.withProgress(
      {
        location: vscode.ProgressLocation.Notification,
        title: `Tessera: compiling ${path.basename(target.uri.fsPath)}`,
      },
      () => target.requests.compile(target.uri.toString(), output),
    );
    if (result.ok) {
      this.lastCompile = `$(pass) ${output} ${result.bytes ?? 0} B`;
      this.output.appendLine(`compiled ${result.output} (${result.bytes} bytes)`);
    } else {
      this.lastCompile = "$(error) compile failed";
      for (const diagnostic of result.diagnostics)
        this.output.appendLine(`error: ${diagnostic.message}`);
      void vscode.window.showErrorMessage(
        `Tessera: compile failed: ${result.diagnostics[0]?.message ?? "see output"}`,
      );
    }
    this.updateStatus();
  }

  private tool(binary: string, source: vscode.Uri): string | undefined {
    const serverPath = this.clientFor(source)?.serverPath;
    const resolved = serverPath
      ? siblingTool(serverPath, binary, process.env.PATH, realFilesystem)
      : resolveTool(
          binary,
          "",
          vscode.workspace.getWorkspaceFolder(source)?.uri.fsPath,
          process.env.PATH,
          realFilesystem,
        );
    if ("error" in resolved) {
      void vscode.window.showErrorMessage(`Tessera: ${resolved.error}`);
      return undefined;
    }
    return resolved.path;
  }

  private async runFunction(uri?: string, fn?: string): Promise<void> {
    const source = uri
      ? vscode.Uri.parse(uri)
      : vscode.window.activeTextEditor?.document.uri;
    if (!source) return;
    const document = await vscode.workspace.openTextDocument(source);
    if (document.isDirty) await document.save();
    const functions = [
      ...document.getText().matchAll(/func\.func\s+(?:public\s+)?@([\w$.]+)/g),
    ].map((match) => match[1]);
    const name =
      fn ??
      (functions.length === 1
        ? functions[0]
        : await vscode.window.showQuickPick(functions, { title: "Function to run" }));
    if (!name) return;
    const inputs = await vscode.window.showInputBox({
      title: `Inputs of @${name}`,
      prompt: "IREE syntax (4x16xf32=1) or .npy paths, separated by spaces",
      value: this.context.workspaceState.get(`inputs:${name}`, ""),
    });
    if (inputs === undefined) return;
    await this.context.workspaceState.update(`inputs:${name}`, inputs);
    const tessera = this.tool("tessera", source);
    if (!tessera) return;
    const args = ["run", source.fsPath, `--function=${name}`];
    for (const input of inputs.split(/\s+/).filter(Boolean))
      args.push(`--input=${input.endsWith(".npy") ? "@" + input : input}`);
    this.output.show(true);
    this.output.appendLine(`$ ${tessera} ${args.join(" ")}`);
    const child = cp.spawn(tessera, args, { cwd: path.dirname(source.fsPath) });
    child.stdout.on("data", (data: Buffer) => this.output.append(data.toString()));
    child.stderr.on("data", (data: Buffer) => this.output.append(data.toString()));
    child.on("close", (code) => {
      this.output.appendLine(`(exit ${code})`);
      this.lastCompile = code === 0 ? `$(play) @${name}` : `$(error) run @${name}`;
      this.updateStatus();
    });
  }

  private openInExplorer(): void {
    const source = vscode.window.activeTextEditor?.document.uri;
    if (!source) return;
    const explorer = this.tool("tessera-explorer", source);
    if (!explorer) return;
    const child = cp.spawn(explorer, [source.fsPath], {
      detached: true,
      stdio: "ignore",
    });
    child.on("error", (error) =>
      void vscode.window.showErrorMessage(`Tessera: ${error.message}`),
    );
    child.unref();
  }

  // --- Bytecode ------------------------------------------------------------

  async bytecodeText(uri: vscode.Uri): Promise<string> {
    const file = vscode.Uri.file(uri.path);
    const folder = vscode.workspace.getWorkspaceFolder(file);
    const client = this.clients.get(this.folderKey(folder)) ?? this.startClient(folder);
    // A start or restart under way: its server answers once it is done.
    await client.settled();
    const requests = client.requests();
    if (!requests) return "// Tessera: the language server is not running";
    try {
      return (await requests.fromBytecode(file.toString())).output;
    } catch (error) {
      return `// Tessera: cannot read ${uri.path} as MLIR bytecode: ${String(error)}`;
    }
  }
}

/** Opens .mlirbc files as their text form (read-only, fully analyzed). */
class BytecodeEditorProvider implements vscode.CustomReadonlyEditorProvider {
  constructor(private readonly extension: Extension) {}

  openCustomDocument(uri: vscode.Uri): vscode.CustomDocument {
    return { uri, dispose: () => undefined };
  }

  async resolveCustomEditor(
    document: vscode.CustomDocument,
    panel: vscode.WebviewPanel,
  ): Promise<void> {
    const text = await this.extension.bytecodeText(document.uri);
    const escaped = text
      .replace(/&/g, "&amp;")
      .replace(/</g, "&lt;")
      .replace(/>/g, "&gt;");
    panel.webview.options = { enableCommandUris: [OPEN_BYTECODE_AS_TEXT] };
    const textUri = vscode.Uri.from({ scheme: BYTECODE_SCHEME, path: document.uri.path });
    const open = `command:${OPEN_BYTECODE_AS_TEXT}?${encodeURIComponent(
      JSON.stringify([textUri.toString()]),
    )}`;
    panel.webview.html = `<!DOCTYPE html><html><body>
<p><a href="${open}">Open as an MLIR document</a> (hover, go to definition, outline)</p>
<pre style="font-family: var(--vscode-editor-font-family)">${escaped}</pre>
</body></html>`;
  }
}

export function activate(context: vscode.ExtensionContext): void {
  new Extension(context).activate();
}

export function deactivate(): void {
  // Clients are stopped through the context's subscriptions.
}
