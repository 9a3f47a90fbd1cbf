// Where the extension finds tessera-lsp: the setting (absolute,
// workspace-relative, ${workspaceFolder}), the project's build output, PATH.

import * as assert from "assert";
import * as path from "path";
import { test } from "node:test";
import { resolveTool, siblingTool } from "../src/serverPath";
import { needsRestart, toServerConfiguration, TesseraSettings } from "../src/settings";

function filesystem(files: string[]) {
  const set = new Set(files.map((f) => path.resolve(f)));
  return { isFile: (file: string) => set.has(path.resolve(file)) };
}

test("an absolute setting is used as is, and must exist", () => {
  const fs = filesystem(["/opt/tessera/bin/tessera-lsp"]);
  assert.deepStrictEqual(
    resolveTool("tessera-lsp", "/opt/tessera/bin/tessera-lsp", "/w", "", fs),
    { path: "/opt/tessera/bin/tessera-lsp", source: "setting" },
  );
  const missing = resolveTool("tessera-lsp", "/nowhere/tessera-lsp", "/w", "", fs);
  assert.ok("error" in missing && missing.error.includes("/nowhere/tessera-lsp does not exist"));
});

test("a relative setting and ${workspaceFolder} resolve against the folder", () => {
  const fs = filesystem(["/w/out/tessera-lsp"]);
  assert.deepStrictEqual(resolveTool("tessera-lsp", "out/tessera-lsp", "/w", "", fs), {
    path: "/w/out/tessera-lsp",
    source: "setting",
  });
  assert.deepStrictEqual(
    resolveTool("tessera-lsp", "${workspaceFolder}/out/tessera-lsp", "/w", "", fs),
    { path: "/w/out/tessera-lsp", source: "setting" },
  );
  const noFolder = resolveTool("tessera-lsp", "${workspaceFolder}/x", undefined, "", fs);
  assert.ok("error" in noFolder && noFolder.error.includes("no folder is open"));
});

test("without a setting: the build output, then PATH", () => {
  const both = filesystem(["/w/build/bin/tessera-lsp", "/usr/local/bin/tessera-lsp"]);
  assert.deepStrictEqual(
    resolveTool("tessera-lsp", "", "/w", "/usr/bin:/usr/local/bin", both),
    { path: "/w/build/bin/tessera-lsp", source: "build" },
  );
  const pathOnly = filesystem(["/usr/local/bin/tessera-lsp"]);
  assert.deepStrictEqual(
    resolveTool("tessera-lsp", "  ", "/w", "/usr/bin:/usr/local/bin", pathOnly),
    { path: "/usr/local/bin/tessera-lsp", source: "PATH" },
  );
  const none = resolveTool("tessera-lsp", "", "/w", "/usr/bin", filesystem([]));
  assert.ok("error" in none);
  assert.ok(none.error.includes("/w/build/bin/tessera-lsp"), none.error);
  assert.ok(none.error.includes("set tessera.server.path"), none.error);
});

test("tools next to the server are preferred to PATH", () => {
  const fs = filesystem(["/w/build/bin/tessera", "/usr/bin/tessera"]);
  assert.deepStrictEqual(siblingTool("/w/build/bin/tessera-lsp", "tessera", "/usr/bin", fs), {
    path: "/w/build/bin/tessera",
    source: "build",
  });
  assert.deepStrictEqual(siblingTool("/x/tessera-lsp", "tessera", "/usr/bin", fs), {
    path: "/usr/bin/tessera",
    source: "PATH",
  });
});

test("settings map onto the server's configuration; only the binary restarts it", () => {
  const settings: TesseraSettings = {
    serverPath: "",
    serverArgs: [],
    targets: ["llvm-cpu"],
    pipelineDiagnostics: "onSave",
    compileTo: "flow",
  };
  assert.deepStrictEqual(toServerConfiguration(settings), {
    pipelineDiagnostics: "save",
    targets: ["llvm-cpu"],
    compileTo: "flow",
    codeLensCommands: "client",
  });
  assert.strictEqual(toServerConfiguration({ ...settings, pipelineDiagnostics: "onType" }).pipelineDiagnostics, "idle");
  assert.strictEqual(toServerConfiguration({ ...settings, pipelineDiagnostics: "off" }).pipelineDiagnostics, "off");
  assert.ok(!needsRestart(settings, { ...settings, targets: ["llvm-cpu", "vulkan-spirv"] }));
  assert.ok(needsRestart(settings, { ...settings, serverPath: "/x" }));
  assert.ok(needsRestart(settings, { ...settings, serverArgs: ["--log=verbose"] }));
});
