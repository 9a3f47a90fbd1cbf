// Renders an MLIR file as the extension's grammar highlights it, with VS
// Code's Dark+ colors, to HTML (for the README's image; a headless browser
// turns it into a PNG):
//   node scripts/render-preview.js ../examples/extern/scale.mlir > /tmp/p.html
//   chromium --headless --screenshot=media/highlighting.png \
//       --window-size=1200,760 /tmp/p.html
"use strict";
const fs = require("fs");
const path = require("path");
const oniguruma = require("vscode-oniguruma");
const textmate = require("vscode-textmate");

// The most specific scope prefix wins (Dark+).
const colors = [
  ["comment", "#6A9955"],
  ["string", "#CE9178"],
  ["constant.character.escape", "#D7BA7D"],
  ["keyword.other.op", "#DCDCAA"],
  ["keyword.operator", "#D4D4D4"],
  ["keyword", "#C586C0"],
  ["variable", "#9CDCFE"],
  ["entity.name.function", "#DCDCAA"],
  ["entity.name.label", "#C8C8C8"],
  ["entity.name.type", "#4EC9B0"],
  ["storage.type", "#569CD6"],
  ["support.function", "#4EC9B0"],
  ["constant.numeric", "#B5CEA8"],
  ["constant.language", "#569CD6"],
  ["constant.other", "#4FC1FF"],
];

function colorOf(scopes) {
  let best = null;
  for (const scope of scopes)
    for (const part of scope.split(" "))
      for (const [prefix, color] of colors)
        if (part.startsWith(prefix) && (!best || prefix.length > best[0].length))
          best = [prefix, color];
  return best ? best[1] : "#D4D4D4";
}

async function main() {
  const file = process.argv[2];
  const wasm = fs.readFileSync(require.resolve("vscode-oniguruma/release/onig.wasm"));
  await oniguruma.loadWASM(new Uint8Array(wasm));
  const registry = new textmate.Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (patterns) => new oniguruma.OnigScanner(patterns),
      createOnigString: (text) => new oniguruma.OnigString(text),
    }),
    loadGrammar: async (scopeName) => {
      if (scopeName !== "source.mlir") return null;
      const grammar = path.join(__dirname, "..", "syntaxes", "mlir.tmLanguage.json");
      return textmate.parseRawGrammar(fs.readFileSync(grammar, "utf8"), grammar);
    },
  });
  const grammar = await registry.loadGrammar("source.mlir");
  const escape = (text) =>
    text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  let state = textmate.INITIAL;
  const rows = fs.readFileSync(file, "utf8").split("\n").map((line, index) => {
    const result = grammar.tokenizeLine(line, state);
    state = result.ruleStack;
    const spans = result.tokens
      .map((token) => {
        const text = line.substring(token.startIndex, token.endIndex);
        return `<span style="color:${colorOf(token.scopes)}">${escape(text)}</span>`;
      })
      .join("");
    return `<div><span class="n">${index + 1}</span>${spans}</div>`;
  });
  process.stdout.write(`<!DOCTYPE html><html><head><style>
body { margin: 0; background: #1E1E1E; font: 13px/19px "DejaVu Sans Mono", monospace; }
.tab { background: #252526; color: #FFFFFF; padding: 7px 14px; font-family: sans-serif; }
pre { margin: 8px 0; white-space: pre; }
.n { display: inline-block; width: 40px; margin-right: 16px; text-align: right; color: #858585; }
</style></head><body><div class="tab">${escape(path.basename(file))}</div><pre>${rows.join("")}</pre></body></html>`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
