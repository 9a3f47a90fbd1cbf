// `vsce package` (as `npm run package` runs it, on Node 18 and 20) produces,
// without a warning, a small .vsix: the one bundled JS file, LICENSE, README
// and icon, no node_modules/, sources or maps; its manifest carries what the
// extension contributes (languages, grammars incl. the Markdown injection,
// commands, settings, the bytecode editor).

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

/** The largest .vsix we accept: the bundle is about 90 KB compressed. */
const MAX_VSIX_BYTES = 150 * 1024;

test("vsce package makes a small bundled .vsix with the contributions", () => {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), "tessera-vsix-"));
  const vsix = path.join(out, "tessera-mlir.vsix");
  try {
    // As `npm run package` runs it; the options are package.json's "vsce"
    // (no dependency scan: the bundle holds them; GitHub URLs for the README).
    const vsce = require.resolve("@vscode/vsce/vsce");
    const result = cp.spawnSync(process.execPath, [vsce, "package", "-o", vsix], {
      cwd: extensionRoot,
      encoding: "utf8",
    });
    const output = `${result.stdout}${result.stderr}`;
    assert.strictEqual(result.status, 0, `vsce package failed:\n${output}`);
    const warnings = output.split("\n").filter((line) => /warn/i.test(line));
    assert.deepStrictEqual(warnings, [], `vsce package warned:\n${output}`);

    const bytes = fs.readFileSync(vsix);
    assert.ok(bytes.length < MAX_VSIX_BYTES, `the .vsix is ${bytes.length} bytes`);
    const files = readZip(bytes);
    const names = [...files.keys()];
    assert.deepStrictEqual(
      names.filter((name) => name.endsWith(".js")),
      ["extension/dist/extension.js"],
      "the .vsix should hold exactly one JS file, the bundle",
    );
    for (const file of [
      "extension.vsixmanifest",
      "extension/package.json",
      "extension/README.md",
      "extension/LICENSE.txt", // vsce gives LICENSE an extension
      "extension/media/icon.png",
      "extension/syntaxes/mlir.tmLanguage.json",
      "extension/syntaxes/mlir.markdown.tmLanguage.json",
      "extension/language-configuration.json",
    ])
      assert.ok(files.has(file), `${file} missing from the .vsix`);
    for (const name of names) {
      assert.ok(!name.includes("node_modules/"), `${name}: dependencies are bundled`);
      assert.ok(!/\.(ts|map)$/.test(name), `${name} should not ship`);
      assert.ok(!/^extension\/(src|test|out|scripts)\//.test(name), `${name} should not ship`);
    }
    assert.ok(
      files.get("extension/LICENSE.txt")!.equals(
        fs.readFileSync(path.join(extensionRoot, "..", "LICENSE")),
      ),
      "vscode_extension/LICENSE should be the repository's LICENSE",
    );
    // Relative images (the README's screenshot does not ship) point at GitHub.
    const images = "https://github.com/tessera-mlir/tessera/raw/HEAD/vscode_extension/";
    const readme = files.get("extension/README.md")!.toString();
    for (const [, link] of readme.matchAll(/!\[[^\]]*\]\(([^)]+)\)/g))
      assert.ok(link.startsWith(images), `README image ${link} is not on GitHub`);

    const manifest = JSON.parse(files.get("extension/package.json")!.toString());
    const contributes = manifest.contributes;
    assert.strictEqual(manifest.main, "./dist/extension.js");
    assert.strictEqual(manifest.license, "Apache-2.0 WITH LLVM-exception");
    assert.strictEqual(manifest.icon, "media/icon.png");
    assert.strictEqual(manifest.repository.url, "https://github.com/tessera-mlir/tessera");
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
});
