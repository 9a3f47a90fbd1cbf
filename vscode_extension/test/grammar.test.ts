// The TextMate grammar tokenizes a corpus of MLIR lines to the expected
// scopes (vscode-textmate with the oniguruma WebAssembly build, as VS Code
// does), and the Markdown injection highlights ```mlir blocks.

import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { test } from "node:test";
import * as oniguruma from "vscode-oniguruma";
import * as textmate from "vscode-textmate";

const root = path.resolve(__dirname, "..", "..");

async function loadRegistry(): Promise<textmate.Registry> {
  const wasm = fs.readFileSync(
    require.resolve("vscode-oniguruma/release/onig.wasm"),
  );
  await oniguruma.loadWASM(new Uint8Array(wasm));
  const files: Record<string, string> = {
    "source.mlir": "syntaxes/mlir.tmLanguage.json",
    "markdown.mlir.codeblock": "syntaxes/mlir.markdown.tmLanguage.json",
  };
  return new textmate.Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (patterns: string[]) => new oniguruma.OnigScanner(patterns),
      createOnigString: (text: string) => new oniguruma.OnigString(text),
    }),
    loadGrammar: async (scopeName: string) => {
      if (scopeName === "text.html.markdown")
        // A stand-in for VS Code's Markdown grammar: the injection is ours.
        return textmate.parseRawGrammar(
          JSON.stringify({ scopeName, patterns: [] }),
          "markdown.json",
        );
      const file = files[scopeName];
      if (!file) return null;
      const full = path.join(root, file);
      return textmate.parseRawGrammar(fs.readFileSync(full, "utf8"), full);
    },
    getInjections: (scopeName: string) =>
      scopeName === "text.html.markdown" ? ["markdown.mlir.codeblock"] : undefined,
  });
}

interface Token {
  text: string;
  scopes: string[];
}

function tokenize(grammar: textmate.IGrammar, lines: string[]): Token[][] {
  let state = textmate.INITIAL;
  return lines.map((line) => {
    const result = grammar.tokenizeLine(line, state);
    state = result.ruleStack;
    return result.tokens.map((token) => ({
      text: line.substring(token.startIndex, token.endIndex),
      scopes: token.scopes,
    }));
  });
}

/** [line, token text, scope the token must carry] */
const corpus: [string, string, string][] = [
  ["// a comment with %x and @f", "// a comment with %x and @f", "comment.line.double-slash.mlir"],
  ["// -----", "// -----", "meta.separator.split.mlir"],
  ["%0 = arith.addf %a, %b : f32", "%0", "variable.other.ssa.mlir"],
  ["%0 = arith.addf %a, %b : f32", "arith.addf", "keyword.other.op.mlir"],
  ["%0 = arith.addf %a, %b : f32", "%b", "variable.other.ssa.mlir"],
  ["%0 = arith.addf %a, %b : f32", "f32", "storage.type.builtin.mlir"],
  ["%r:2 = \"test.op\"(%x) : (i32) -> (i32, i32)", "test.op", "keyword.other.op.generic.mlir"],
  ["%r:2 = \"test.op\"(%x) : (i32) -> (i32, i32)", "->", "keyword.operator.arrow.mlir"],
  ["%v = %pair#1", "%pair#1", "variable.other.ssa.mlir"],
  ["^bb1(%arg: index):", "^bb1", "entity.name.label.mlir"],
  ["cf.br ^bb2(%c : index)", "^bb2", "entity.name.label.mlir"],
  ["func.func @predict(%x: tensor<4x?xf32>) {", "@predict", "entity.name.function.symbol.mlir"],
  ["func.func @predict(%x: tensor<4x?xf32>) {", "tensor", "storage.type.builtin.mlir"],
  ["func.func @predict(%x: tensor<4x?xf32>) {", "4", "constant.numeric.dimension.mlir"],
  ["func.func @predict(%x: tensor<4x?xf32>) {", "?", "constant.numeric.dimension.mlir"],
  ["flow.dispatch @ex::@cpu::@entry[%n](%x)", "@cpu", "entity.name.function.symbol.mlir"],
  ["%b = hal.tensor.export %t : tensor<16xf32> -> !hal.buffer", "!hal.buffer", "entity.name.type.dialect.mlir"],
  ["#map = affine_map<(d0) -> (d0)>", "#map", "constant.other.attribute.mlir"],
  ["#map = affine_map<(d0) -> (d0)>", "affine_map", "support.function.attribute.mlir"],
  ["%c = arith.constant dense<[1.5, -2.0e+3]> : tensor<2xf32>", "dense", "support.function.attribute.mlir"],
  ["%c = arith.constant dense<[1.5, -2.0e+3]> : tensor<2xf32>", "1.5", "constant.numeric.float.mlir"],
  ["%c = arith.constant dense<[1.5, -2.0e+3]> : tensor<2xf32>", "-2.0e+3", "constant.numeric.float.mlir"],
  ["%c = arith.constant dense<\"0xDEADBEEF\"> : tensor<1xi32>", "0xDEADBEEF", "string.quoted.double.mlir"],
  ["%c = arith.constant dense<\"0xDEADBEEF\"> : tensor<1xi32>", "i32", "storage.type.builtin.mlir"],
  ["%c = arith.constant 42 : i64", "42", "constant.numeric.integer.mlir"],
  ["%c = arith.constant 42 : i64", "i64", "storage.type.builtin.mlir"],
  ["%t = arith.constant true", "true", "constant.language.boolean.mlir"],
  ["hal.executable.object<{path = \"a\\\\b.o\"}>", "\\\\", "constant.character.escape.mlir"],
  ["linalg.generic ins(%a : tensor<4xf32>) outs(%b : tensor<4xf32>)", "ins", "keyword.other.mlir"],
  ["} attributes {sym_visibility = \"private\"}", "attributes", "keyword.other.mlir"],
  ["key(\"cpu.features\" :: \"avx512f\")", "::", "punctuation.separator.namespace.mlir"],
  ["%m = memref.alloc() : memref<8x8xf16>", "memref.alloc", "keyword.other.op.mlir"],
  ["%m = memref.alloc() : memref<8x8xf16>", "memref", "storage.type.builtin.mlir"],
  ["%m = memref.alloc() : memref<8x8xf16>", "f16", "storage.type.builtin.mlir"],
  ["  %x = tosa.add %a, %b loc(\"f.mlir\":3:4)", "loc", "support.function.attribute.mlir"],
];

test("the grammar gives each corpus token its scope", async () => {
  const grammar = await (await loadRegistry()).loadGrammar("source.mlir");
  assert.ok(grammar, "source.mlir loads");
  const failures: string[] = [];
  for (const [line, text, scope] of corpus) {
    const tokens = tokenize(grammar, [line])[0];
    const token = tokens.find((t) => t.text === text);
    if (!token) {
      failures.push(`${JSON.stringify(line)}: no token ${JSON.stringify(text)} (tokens: ${tokens.map((t) => JSON.stringify(t.text)).join(" ")})`);
      continue;
    }
    if (!token.scopes.some((s) => s.split(" ").includes(scope) || s === scope))
      failures.push(`${JSON.stringify(line)}: ${JSON.stringify(text)} has ${token.scopes.join(", ")}, expected ${scope}`);
  }
  assert.deepStrictEqual(failures, []);
});

test("attribute names with dots are not op names", async () => {
  const grammar = await (await loadRegistry()).loadGrammar("source.mlir");
  const tokens = tokenize(grammar!, ["{spirv.target_env = #spirv.target_env<>}"])[0];
  const name = tokens.find((t) => t.text.includes("spirv.target_env") && !t.text.startsWith("#"));
  assert.ok(name);
  assert.ok(!name.scopes.includes("keyword.other.op.mlir"), name.scopes.join(","));
});

test("```mlir blocks in Markdown are highlighted as MLIR", async () => {
  const grammar = await (await loadRegistry()).loadGrammar("text.html.markdown");
  assert.ok(grammar);
  const lines = ["Some text %x", "```mlir", "%0 = arith.addf %a, %b : f32", "```", "after %y"];
  const tokens = tokenize(grammar, lines);
  const op = tokens[2].find((t) => t.text === "arith.addf");
  assert.ok(op, "the op is a token of its own");
  assert.ok(op.scopes.includes("meta.embedded.block.mlir"), op.scopes.join(","));
  assert.ok(op.scopes.includes("keyword.other.op.mlir"), op.scopes.join(","));
  // Outside the block: plain Markdown.
  assert.ok(tokens[0].every((t) => !t.scopes.includes("variable.other.ssa.mlir")));
  assert.ok(tokens[4].every((t) => !t.scopes.includes("variable.other.ssa.mlir")));
});
