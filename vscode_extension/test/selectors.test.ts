// Which documents each client serves: a folder's client its files, the
// other client only the files it was opened for, never both on one file.

import * as assert from "assert";
import { test } from "node:test";
import { folderSelector, literalGlob, looseFilesSelector, SERVED_SCHEMES } from "../src/selectors";

test("glob characters in paths match only themselves", () => {
  assert.strictEqual(literalGlob("/w/a[1]/{x}*?!.mlir"), "/w/a[[]1[]]/[{]x[}][*][?][!].mlir");
  assert.strictEqual(literalGlob("/plain/path.mlir"), "/plain/path.mlir");
});

test("a folder's client takes the files under it", () => {
  assert.deepStrictEqual(folderSelector("/w/proj"), [
    { language: "mlir", scheme: "file", pattern: "/w/proj/**/*" },
  ]);
});

test("the client outside folders takes only its own files, no file scheme wildcard", () => {
  const selector = looseFilesSelector(["/tmp/a.mlir", "/tmp/b.mlir"]);
  const files = selector.filter((filter) => filter.scheme === "file");
  assert.deepStrictEqual(
    files.map((filter) => filter.pattern),
    ["/tmp/a.mlir", "/tmp/b.mlir"],
  );
  assert.ok(selector.some((filter) => filter.scheme === "untitled"));
  assert.ok(selector.some((filter) => filter.scheme === "tessera-bytecode"));
  // With no loose file yet, no filter may match every file.
  assert.ok(looseFilesSelector([]).every((filter) => filter.scheme !== "file"));
});

test("the IR after a pass gets no server", () => {
  assert.ok(!SERVED_SCHEMES.includes("tessera-ir"));
});
