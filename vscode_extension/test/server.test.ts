// The extension's request layer (src/protocol.ts) against the real
// tessera-lsp over stdio, through vscode-jsonrpc as vscode-languageclient
// uses it: initialize, diagnostics, tessera/passes, tessera/irAfterPass and
// tessera/compile.

import * as assert from "assert";
import * as cp from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { after, before, test } from "node:test";
import * as rpc from "vscode-jsonrpc/node";
import { TesseraRequests } from "../src/protocol";
import { resolveTool } from "../src/serverPath";
import { toServerConfiguration } from "../src/settings";

const repository = path.resolve(__dirname, "..", "..", "..");
const lspPath = resolveTool(
  "tessera-lsp",
  process.env.TESSERA_LSP ?? "",
  repository,
  process.env.PATH,
  { isFile: (file) => fs.existsSync(file) && fs.statSync(file).isFile() },
);

let server: cp.ChildProcess;
let connection: rpc.MessageConnection;
let requests: TesseraRequests;
const diagnostics = new Map<string, { message: string; range: { start: { line: number } } }[]>();
let diagnosticsChanged: () => void = () => undefined;
const workDir = fs.mkdtempSync(path.join(os.tmpdir(), "tessera-ext-"));
const mlpPath = path.join(workDir, "mlp.mlir");
const mlpUri = `file://${mlpPath}`;

function waitForDiagnostics(uri: string, accept: (count: number) => boolean): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no diagnostics for ${uri}`)), 30000);
    const check = () => {
      const list = diagnostics.get(uri);
      if (list && accept(list.length)) {
        clearTimeout(timer);
        diagnosticsChanged = () => undefined;
        resolve();
      }
    };
    diagnosticsChanged = check;
    check();
  });
}

before(async () => {
  assert.ok(!("error" in lspPath), "error" in lspPath ? `${lspPath.error} (build the project first)` : "");
  fs.copyFileSync(path.join(repository, "examples", "mlp.mlir"), mlpPath);
  server = cp.spawn(lspPath.path, [], { stdio: ["pipe", "pipe", "pipe"] });
  connection = rpc.createMessageConnection(
    new rpc.StreamMessageReader(server.stdout!),
    new rpc.StreamMessageWriter(server.stdin!),
  );
  connection.onNotification("textDocument/publishDiagnostics", (params: {
    uri: string;
    diagnostics: { message: string; range: { start: { line: number } } }[];
  }) => {
    diagnostics.set(params.uri, params.diagnostics);
    diagnosticsChanged();
  });
  connection.onRequest("window/workDoneProgress/create", () => null);
  connection.listen();
  requests = new TesseraRequests((method, params) => connection.sendRequest(method, params));
});

after(async () => {
  await connection.sendRequest("shutdown");
  await connection.sendNotification("exit");
  connection.dispose();
  fs.rmSync(workDir, { recursive: true, force: true });
});

test("initialize announces the features the extension relies on", async () => {
  const result = (await connection.sendRequest("initialize", {
    processId: process.pid,
    rootUri: `file://${workDir}`,
    capabilities: { window: { workDoneProgress: true } },
    initializationOptions: toServerConfiguration({
      serverPath: "",
      serverArgs: [],
      targets: ["llvm-cpu"],
      pipelineDiagnostics: "onType",
      compileTo: "loader",
    }),
  })) as { capabilities: Record<string, unknown> };
  await connection.sendNotification("initialized", {});
  for (const feature of ["hoverProvider", "definitionProvider", "semanticTokensProvider", "codeLensProvider"])
    assert.ok(result.capabilities[feature], `${feature} missing`);
  // The extension has its own commands: the server's are not offered (the
  // language client would register them once per workspace folder).
  assert.strictEqual(result.capabilities.executeCommandProvider, undefined);
});

test("diagnostics arrive for a broken document and clear when fixed", async () => {
  const text = fs.readFileSync(mlpPath, "utf8");
  const broken = text.replace("linalg.matmul", "linalg.matmulx");
  await connection.sendNotification("textDocument/didOpen", {
    textDocument: { uri: mlpUri, languageId: "mlir", version: 1, text: broken },
  });
  await waitForDiagnostics(mlpUri, (count) => count > 0);
  assert.match(diagnostics.get(mlpUri)![0].message, /matmulx/);
  await connection.sendNotification("textDocument/didChange", {
    textDocument: { uri: mlpUri, version: 2 },
    contentChanges: [{ text }],
  });
  await waitForDiagnostics(mlpUri, (count) => count === 0);
});

test("tessera/passes lists the pipeline and irAfterPass shows a pass's IR and diff", async () => {
  const result = await requests.passes(mlpUri);
  assert.strictEqual(result.compileTo, "loader");
  const phases = new Set(result.passes.map((pass) => pass.phase));
  for (const phase of ["input", "flow", "hal", "codegen", "host", "serialize", "loader"])
    assert.ok(phases.has(phase), `phase ${phase} missing`);
  const form = result.passes.find((pass) => pass.argument.startsWith("tessera-flow-form-dispatches"));
  assert.ok(form && form.changed);
  const after = await requests.irAfterPass(mlpUri, form.index, true);
  assert.strictEqual(after.name, "FormDispatchesPass");
  assert.match(after.ir, /flow\.dispatch @predict_dispatch_0/);
  assert.match(after.diff ?? "", /^\+.*flow\.executable/m);
  assert.ok(after.previousIndex !== undefined && after.previousIndex < form.index);
  await assert.rejects(requests.irAfterPass(mlpUri, 100000), /no pass 100000/);
});

test("tessera/compile writes the module next to the document", async () => {
  const result = await requests.compile(mlpUri, "mlp.tsm");
  assert.ok(result.ok, JSON.stringify(result.diagnostics));
  assert.strictEqual(result.output, path.join(workDir, "mlp.tsm"));
  assert.ok(fs.statSync(path.join(workDir, "mlp.tsm")).size > 1000);
});

test("code lenses name the extension's own commands (and Run)", async () => {
  const lenses = (await connection.sendRequest("textDocument/codeLens", {
    textDocument: { uri: mlpUri },
  })) as { command: { command: string } }[];
  const commands = new Set(lenses.map((lens) => lens.command.command));
  assert.deepStrictEqual([...commands].sort(), ["tessera.compile", "tessera.run", "tessera.showPasses"]);
});
