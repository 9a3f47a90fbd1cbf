// `vsce package` produces a .vsix whose manifest carries what the extension
// contributes (languages, grammars incl. the Markdown injection, commands,
// settings, the bytecode editor) and the compiled code.

import * as assert from "assert";
import * as cp from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as zlib from "zlib";
import { test } from "node:test";

const extensionRoot = path.resolve(__dirname, "..", "..");

/** The files of a zip archive (stored or deflated entries). */
function readZip(bytes: Buffer): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  let end = bytes.length - 22;
  while (end >= 0 && bytes.readUInt32LE(end) !== 0x06054b50) end--;
  assert.ok(end >= 0, "no end of central directory: not a zip");
  const count = bytes.readUInt16LE(end + 10);
  let entry = bytes.readUInt32LE(end + 16);
  for (let i = 0; i < count; i++) {
    assert.strictEqual(bytes.readUInt32LE(entry), 0x02014b50, "central directory entry");
    const method = bytes.readUInt16LE(entry + 10);
    const compressedSize = bytes.readUInt32LE(entry + 20);
    const nameLength = bytes.readUInt16LE(entry + 28);
    const extraLength = bytes.readUInt16LE(entry + 30);
    const commentLength = bytes.readUInt16LE(entry + 32);
    const localHeader = bytes.readUInt32LE(entry + 42);
    const name = bytes.toString("utf8", entry + 46, entry + 46 + nameLength);
    const dataStart =
      localHeader + 30 + bytes.readUInt16LE(localHeader + 26) + bytes.readUInt16LE(localHeader + 28);
    const data = bytes.subarray(dataStart, dataStart + compressedSize);
    files.set(name, method === 8 ? zlib.inflateRawSync(data) : Buffer.from(data));
    entry += 46 + nameLength + extraLength + commentLength;
  }
  return files;
}

const nodeMajor = Number(process.versions.node.split(".")[0]);

test(
  "vsce package makes a .vsix with the contributions",
  { skip: nodeMajor < 20 ? `@vscode/vsce needs Node 20 (this is ${process.version})` : false },
  () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), "tessera-vsix-"));
    const vsix = path.join(out, "tessera-mlir.vsix");
    try {
      const vsce = require.resolve("@vscode/vsce/vsce");
      cp.execFileSync(
        process.execPath,
        [vsce, "package", "--no-rewrite-relative-links", "--allow-missing-repository", "-o", vsix],
        {
          cwd: extensionRoot,
          stdio: "pipe",
        },
      );
      const files = readZip(fs.readFileSync(vsix));
      for (const file of [
        "extension.vsixmanifest",
        "extension/package.json",
        "extension/readme.md",
        "extension/out/src/extension.js",
        "extension/syntaxes/mlir.tmLanguage.json",
        "extension/syntaxes/mlir.markdown.tmLanguage.json",
        "extension/language-configuration.json",
        "extension/media/highlighting.png",
        "extension/node_modules/vscode-languageclient/package.json",
      ])
        assert.ok(files.has(file), `${file} missing from the .vsix`);
      for (const name of files.keys()) {
        assert.ok(!name.startsWith("extension/test/"), `${name} should not ship`);
        assert.ok(!name.startsWith("extension/src/"), `${name} should not ship`);
        assert.ok(!name.includes("node_modules/typescript/"), `${name} is a dev dependency`);
      }
      const manifest = JSON.parse(files.get("extension/package.json")!.toString());
      const contributes = manifest.contributes;
      assert.strictEqual(manifest.main, "./out/src/extension.js");
      assert.deepStrictEqual(contributes.languages[0].extensions, [".mlir"]);
      assert.deepStrictEqual(
        contributes.grammars.map((g: { scopeName: string }) => g.scopeName),
        ["source.mlir", "markdown.mlir.codeblock"],
      );
      assert.deepStrictEqual(contributes.grammars[1].injectTo, ["text.html.markdown"]);
      assert.deepStrictEqual(
        contributes.commands.map((c: { command: string }) => c.command).sort(),
        [
          "tessera.compileFile",
          "tessera.diffWithPreviousPass",
          "tessera.openInExplorer",
          "tessera.restartServer",
          "tessera.runFunction",
          "tessera.showPasses",
        ],
      );
      for (const setting of [
        "tessera.server.path",
        "tessera.server.args",
        "tessera.targets",
        "tessera.pipelineDiagnostics",
      ])
        assert.ok(contributes.configuration.properties[setting], `${setting} missing`);
      assert.deepStrictEqual(
        contributes.configuration.properties["tessera.pipelineDiagnostics"].enum,
        ["off", "onSave", "onType"],
      );
      assert.strictEqual(contributes.customEditors[0].selector[0].filenamePattern, "*.mlirbc");
      assert.ok(manifest.activationEvents.includes("onLanguage:mlir"));
      const vsixManifest = files.get("extension.vsixmanifest")!.toString();
      assert.match(vsixManifest, /Identity Language="en-US" Id="tessera-mlir"/);
    } finally {
      fs.rmSync(out, { recursive: true, force: true });
    }
  },
);
