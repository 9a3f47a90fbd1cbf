// The extension's end-to-end suite: the packaged .vsix in a real VS Code
// (code-server, set up by e2e/setup.sh), driven through Chromium as a user
// drives it, against the real tessera-lsp. Every check asserts on the
// editor's DOM or on files it writes; a failing check saves a screenshot.
//
//   node out/e2e/suite.js --editor DIR --vsix FILE --server tessera-lsp
//     --mlir-opt mlir-opt [--artifacts DIR] [--screenshots DIR]
//
// The last line says how many checks passed; the exit status is 1 when one
// failed.

import * as cp from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import puppeteer, { Browser } from "puppeteer-core";

import { CODE_SERVER_VERSION, CodeServer, findProcesses } from "./codeServer";
import { sleep, waitFor, Workbench } from "./workbench";

interface Options {
  editor: string;
  vsix: string;
  server: string;
  mlirOpt: string;
  example: string;
  chromium: string;
  artifacts: string;
  screenshots?: string;
  /** Only the checks whose names match (and the two that start the editor). */
  grep?: RegExp;
}

function parseOptions(argv: string[]): Options {
  const values = new Map<string, string>();
  for (let i = 0; i < argv.length; i += 2) {
    if (!argv[i].startsWith("--") || i + 1 >= argv.length)
      throw new Error(`usage: suite.js --editor DIR --vsix FILE --server FILE ...; got ${argv[i]}`);
    values.set(argv[i].slice(2), argv[i + 1]);
  }
  const required = (name: string) => {
    const value = values.get(name);
    if (!value) throw new Error(`--${name} is required`);
    return path.resolve(value);
  };
  const extensionRoot = path.resolve(__dirname, "..", "..");
  return {
    editor: required("editor"),
    vsix: required("vsix"),
    server: required("server"),
    mlirOpt: required("mlir-opt"),
    example: path.resolve(
      values.get("example") ?? path.join(extensionRoot, "..", "examples", "mlp.mlir"),
    ),
    chromium: values.get("chromium") ?? "/usr/bin/chromium",
    artifacts: path.resolve(
      values.get("artifacts") ?? fs.mkdtempSync(path.join(os.tmpdir(), "tessera-vscode-e2e-")),
    ),
    screenshots: values.has("screenshots") ? path.resolve(values.get("screenshots")!) : undefined,
    grep: values.has("grep") ? new RegExp(values.get("grep")!) : undefined,
  };
}

/** 1-based line and column of `token` on the first line containing `line`. */
function locate(text: string, line: string, token: string): { line: number; column: number } {
  const lines = text.split("\n");
  const index = lines.findIndex((candidate) => candidate.includes(line));
  if (index < 0) throw new Error(`no line containing ${line}`);
  const column = lines[index].indexOf(token, lines[index].indexOf(line));
  if (column < 0) throw new Error(`no ${token} on line ${index + 1}`);
  return { line: index + 1, column: column + 1 };
}

interface Check {
  name: string;
  run: () => Promise<void>;
}

async function main(): Promise<number> {
  const options = parseOptions(process.argv.slice(2));
  fs.mkdirSync(options.artifacts, { recursive: true });
  if (options.screenshots) fs.mkdirSync(options.screenshots, { recursive: true });
  const started = Date.now();
  const home = fs.mkdtempSync(path.join(os.tmpdir(), "tessera-vscode-home-"));
  const workspace = path.join(home, "workspace");
  fs.mkdirSync(workspace);
  const source = fs.readFileSync(options.example, "utf8");
  const mlp = path.join(workspace, "mlp.mlir");
  fs.writeFileSync(mlp, source);
  const bytecode = path.join(workspace, "mlp.mlirbc");
  const converted = cp.spawnSync(options.mlirOpt, ["--emit-bytecode", mlp, "-o", bytecode], {
    encoding: "utf8",
  });
  if (converted.status !== 0) throw new Error(`mlir-opt failed: ${converted.stderr}`);

  const editor = new CodeServer(options.editor, home);
  const goodSettings = { "tessera.server.path": options.server };
  editor.writeSettings(goodSettings);
  // The explorer the "Open in Explorer" command starts needs no display.
  // Its own home, so that nothing of the user's leaks in or is written to.
  const env = {
    ...process.env,
    QT_QPA_PLATFORM: "offscreen",
    HOME: home,
    XDG_CONFIG_HOME: path.join(home, ".config"),
    XDG_DATA_HOME: path.join(home, ".local", "share"),
    XDG_CACHE_HOME: path.join(home, ".cache"),
  };

  let browser: Browser | undefined;
  let bench!: Workbench;
  const at = (line: string, token: string) => locate(source, line, token);
  const matmul = at("%m1 = linalg.matmul", "linalg.matmul");
  const screenshot = async (name: string) => {
    if (options.screenshots)
      await bench.page.screenshot({ path: path.join(options.screenshots, `${name}.png`) });
  };
  /** The Tessera status bar item: its text and whether it shows `icon`. */
  const tesseraStatus = (icon: string) =>
    waitFor(`the Tessera status item with ${icon}`, async () => {
      const html = await bench.page.$$eval("[id='tessera.tessera-mlir']", (elements) =>
        elements.map((element) => element.innerHTML).join(""),
      );
      return html.includes("Tessera") && html.includes(icon) ? true : undefined;
    });
  const hoverText = async (position: { line: number; column: number }) => {
    await bench.escape();
    await bench.goTo(position.line, position.column + 2);
    await bench.command("Show or Focus Hover");
    return bench.waitForText(".monaco-hover", "linalg.matmul");
  };
  /** mlp.mlir as on disk, in front, nothing else open on top, no error. */
  const fresh = async () => {
    if (fs.readFileSync(mlp, "utf8") !== source) fs.writeFileSync(mlp, source);
    await bench.escape();
    await bench.open("mlp.mlir");
    await bench.command("File: Revert File");
    await bench.closePanel();
    await bench.command("View: Focus Active Editor Group");
    await waitFor("no error in Problems", async () =>
      (await bench.problems()).errors === 0 ? true : undefined,
    );
  };
  /** The pass quick pick, once the compile behind it has answered. */
  const passesListed = () =>
    waitFor("the passes", async () =>
      (await bench.quickInputRows()).length > 5 ? true : undefined,
    );
  const serverPids = () =>
    findProcesses(options.server).filter(
      (pid) => !fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").includes("--pipeline-worker"),
    );

  const checks: Check[] = [
    {
      name: "the packaged .vsix installs into VS Code",
      run: async () => {
        editor.installExtension(options.vsix);
        const installed = editor.listExtensions();
        if (!installed.includes("tessera.tessera-mlir"))
          throw new Error(`not listed: ${installed.join(", ")}`);
      },
    },
    {
      name: "the extension activates and the status bar shows the server running",
      run: async () => {
        await editor.start(env);
        browser = await puppeteer.launch({
          executablePath: options.chromium,
          headless: true,
          args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
          defaultViewport: { width: 1280, height: 800 },
        });
        const page = await browser.newPage();
        bench = new Workbench(page);
        await page.goto(editor.url(workspace), { waitUntil: "domcontentloaded" });
        await page.waitForSelector(".monaco-workbench", { timeout: 60_000 });
        await bench.open("mlp.mlir");
        await tesseraStatus("codicon-check");
        await bench.waitForText(".statusbar-item", "llvm-cpu");
      },
    },
    {
      name: "an .mlir file opens in the MLIR mode, highlighted by the grammar",
      run: async () => {
        await bench.waitForText("[id='status.editor.mode']", "MLIR");
        const classes = await bench.page.$$eval(
          ".editor-instance .view-lines span[class^='mtk']",
          (spans) => [...new Set(spans.map((span) => span.className))],
        );
        if (classes.length < 4) throw new Error(`only token classes ${classes.join(" ")}`);
      },
    },
    {
      name: "semantic highlighting: the server's tokens reach the editor",
      run: async () => {
        const value = at("%m1 = linalg.matmul", "%x");
        await bench.goTo(value.line, value.column + 1);
        await bench.command("Developer: Inspect Editor Tokens and Scopes");
        await bench.waitForText(".token-inspect-widget", "semantic token type");
        await bench.escape();
      },
    },
    {
      name: "hover on an op shows it as written (%x, %w1), with its ODS summary",
      run: async () => {
        const text = await hoverText(matmul);
        if (!text.includes("%m1 = linalg.matmul ins(%x, %w1"))
          throw new Error(`hover: ${text}`);
        if (!text.includes("matrix multiplication")) throw new Error(`no summary: ${text}`);
        await screenshot("hover");
        await bench.escape();
      },
    },
    {
      name: "go to definition jumps to the defining op",
      run: async () => {
        const use = at("ins(%m1, %b1", "%m1");
        await bench.goTo(use.line, use.column + 1);
        await bench.command("Go to Definition");
        await waitFor("the cursor on the definition", async () =>
          (await bench.cursor()).line === matmul.line ? true : undefined,
        );
      },
    },
    {
      name: "find references lists the definition and its use",
      run: async () => {
        await bench.goTo(matmul.line, 4);
        await bench.command("Peek References");
        const title = await bench.waitForText(
          ".peekview-widget .peekview-title",
          /References \(\d+\)/,
        );
        const count = Number(/References \((\d+)\)/.exec(title)![1]);
        if (count < 2) throw new Error(`references: ${title}`);
        await bench.escape();
      },
    },
    {
      name: "rename changes the definition and every use",
      run: async () => {
        await bench.goTo(matmul.line, 4);
        await bench.command("Rename Symbol");
        // Typing goes to the rename box once it has the focus.
        const current = await waitFor("the rename box", () =>
          bench.page.evaluate(
            "document.activeElement && document.activeElement.closest('.rename-box') ? document.activeElement.value : undefined",
          ) as Promise<string | undefined>,
        );
        await bench.press("Control", "KeyA");
        await bench.type(current.startsWith("%") ? "%product" : "product");
        await bench.press("Enter");
        await bench.waitForText(".editor-instance .view-lines", "%product = linalg.matmul");
        await bench.waitForText(".editor-instance .view-lines", "ins(%product, %b1");
      },
    },
    {
      name: "completion offers ops of the dialect being typed",
      run: async () => {
        const blank = at("// Layer 1", "//");
        await bench.goTo(blank.line, 1);
        await bench.press("End");
        await bench.press("Enter");
        await bench.type("%q = linalg.matm");
        await bench.command("Trigger Suggest");
        await bench.waitForText(".suggest-widget.visible", "linalg.matmul");
      },
    },
    {
      name: "a bad operand shows an error squiggle and a Problems count; undo clears them",
      run: async () => {
        const operand = at("%m1 = linalg.matmul", "%x,");
        await bench.goTo(operand.line, operand.column + 2);
        await bench.type("z");
        await waitFor("an error squiggle", async () =>
          (await bench.count(".editor-instance .squiggly-error")) ? true : undefined,
        );
        await waitFor("1 error in Problems", async () =>
          (await bench.problems()).errors === 1 ? true : undefined,
        );
        await bench.command("View: Focus Problems (Errors, Warnings, Infos)");
        await bench.waitForText(".markers-panel .monaco-list-row", "undeclared");
        await screenshot("diagnostics");
        await bench.command("View: Focus Active Editor Group");
        await bench.press("Control", "KeyZ");
        await waitFor("no error squiggle", async () =>
          (await bench.count(".editor-instance .squiggly-error")) ? undefined : true,
        );
        await waitFor("no error in Problems", async () =>
          (await bench.problems()).errors === 0 ? true : undefined,
        );
      },
    },
    {
      name: "the outline lists the function",
      run: async () => {
        await bench.command("Explorer: Focus on Outline View");
        await bench.waitForText(".pane-body .monaco-list-row", "predict");
        await bench.command("View: Focus Active Editor Group");
      },
    },
    {
      name: "folding hides a region and unfolding shows it again",
      run: async () => {
        await bench.command("Fold All");
        await bench.waitForGone(".editor-instance .view-lines", "linalg.matmul");
        await bench.command("Unfold All");
        await bench.waitForText(".editor-instance .view-lines", "linalg.matmul");
      },
    },
    {
      name: "code lenses offer Compile, Show passes and Run",
      run: async () => {
        await bench.goTo(1, 1);
        const lens = await bench.waitForText(".editor-instance .codelens-decoration", "Compile");
        for (const part of ["Show passes", "Run"])
          if (!lens.includes(part)) throw new Error(`code lens: ${lens}`);
      },
    },
    {
      name: "inlay hints name the dispatch each op was formed into",
      run: async () => {
        await bench.waitForText(".editor-instance .view-lines", /in predict_dispatch_\d/);
      },
    },
    {
      name: "Tessera: Compile File writes the module and the status bar says so",
      run: async () => {
        const module = path.join(workspace, "mlp.tsm");
        fs.rmSync(module, { force: true });
        await bench.command("Tessera: Compile File");
        await waitFor("mlp.tsm", async () =>
          fs.existsSync(module) && fs.statSync(module).size > 0 ? true : undefined,
        );
        await bench.waitForText(".statusbar-item", "mlp.tsm");
      },
    },
    {
      name: "Tessera: Show Passes lists the passes and opens the IR after one",
      run: async () => {
        await bench.command("Tessera: Show Passes");
        await passesListed();
        await screenshot("passes");
        // The first pass that changed the IR.
        await bench.type("\u25cf");
        await bench.pick("\u25cf");
        await bench.waitForTab("mlp after");
        await bench.waitForText(".editor-instance .view-lines", "func.func");
      },
    },
    {
      name: "Tessera: Diff With Previous Pass opens the diff editor",
      run: async () => {
        await bench.open("mlp.mlir");
        await bench.command("Tessera: Diff With Previous Pass");
        await passesListed();
        await bench.type("\u25cf");
        await bench.pick("\u25cf");
        await waitFor("the diff editor", async () =>
          (await bench.count(".monaco-diff-editor")) ? true : undefined,
        );
        await bench.waitForTab("before \u2194 after");
        // Both sides show IR, the right one with the pass's changes marked.
        await bench.waitForText(".monaco-diff-editor .editor.original .view-lines", "func.func");
        await bench.waitForText(".monaco-diff-editor .editor.modified .view-lines", "func.func");
        await screenshot("diff");
      },
    },
    {
      name: "documents of the IR after a pass get no second server on the file (one lens, one hint)",
      run: async () => {
        await bench.goTo(1, 1);
        const lenses = await bench.waitForText(".editor-instance .codelens-decoration", "Compile");
        if (lenses.replace(/\s+/g, " ").trim() !== "Compile | Show passes | Run")
          throw new Error(`code lenses: ${lenses}`);
        const line = await bench.waitForText(".editor-instance .view-line", "%zero = arith.constant");
        if ((line.match(/in predict_dispatch/g) ?? []).length !== 1)
          throw new Error(`inlay hints: ${line}`);
      },
    },
    {
      name: "Tessera: Run Function… runs it and shows the results",
      run: async () => {
        await bench.open("mlp.mlir");
        await bench.command("Tessera: Run Function\u2026");
        await waitFor("the inputs box", async () =>
          (await bench.texts(".quick-input-widget")).some((text) => text.includes("Inputs of @predict"))
            ? true
            : undefined,
        );
        await bench.type("4x16xf32=1");
        await bench.press("Enter");
        const output = await bench.waitForText(".panel .view-lines", "(exit 0)", 60_000);
        if (!/4x10xf32/.test(output)) throw new Error(`output: ${output}`);
        await screenshot("run");
      },
    },
    {
      name: "Tessera: Open in Explorer starts tessera-explorer on the file",
      run: async () => {
        await bench.command("Tessera: Open in Explorer");
        const pids = await waitFor("a tessera-explorer process", async () => {
          const found = findProcesses("tessera-explorer", mlp);
          return found.length ? found : undefined;
        });
        for (const pid of pids) process.kill(pid, "SIGKILL");
      },
    },
    {
      name: "an .mlirbc file opens in the bytecode editor as text",
      run: async () => {
        await bench.open("mlp.mlirbc");
        const frame = await bench.frameWith("linalg.matmul");
        const link = await frame.waitForSelector("a", { timeout: 10_000 });
        await link!.click();
        await bench.waitForText(".editor-instance .view-lines", "func.func @predict");
      },
    },
    {
      name: "a wrong tessera.server.path gives a clear notification",
      run: async () => {
        await bench.open("mlp.mlir");
        await bench.clearNotifications();
        const wrong = path.join(home, "no-such-dir", "tessera-lsp");
        await bench.setSetting("tessera.server.path", wrong);
        await waitFor("the setting in settings.json", async () =>
          editor.readSettings()["tessera.server.path"] === wrong ? true : undefined,
        );
        await bench.waitForText(".notifications-toasts", wrong);
        await tesseraStatus("codicon-error");
        await screenshot("wrong-server-path");
      },
    },
    {
      name: "fixing tessera.server.path restarts the server",
      run: async () => {
        await bench.clearNotifications();
        await bench.setSetting("tessera.server.path", options.server);
        await tesseraStatus("codicon-check");
        const text = await hoverText(matmul);
        if (!text.includes("%m1 = linalg.matmul")) throw new Error(`hover: ${text}`);
        await bench.escape();
      },
    },
    {
      name: "a crashed server is restarted and the user is told",
      run: async () => {
        const before = await waitFor("the server processes", async () => {
          const pids = serverPids();
          return pids.length ? pids : undefined;
        });
        for (const pid of before) process.kill(pid, "SIGKILL");
        await bench.waitForText(".notifications-toasts", "stopped unexpectedly and was restarted");
        await waitFor("new server processes", async () => {
          const pids = serverPids();
          return pids.length && pids.every((pid) => !before.includes(pid)) ? true : undefined;
        });
        await tesseraStatus("codicon-check");
        const text = await hoverText(matmul);
        if (!text.includes("%m1 = linalg.matmul")) throw new Error(`hover: ${text}`);
      },
    },
  ];

  const failures: string[] = [];
  let passed = 0;
  const selected = checks.filter(
    (check, index) => index < 2 || !options.grep || options.grep.test(check.name),
  );
  for (const [index, check] of selected.entries()) {
    const checkStarted = Date.now();
    try {
      // Each check after the editor is up starts from mlp.mlir as on disk.
      if (index >= 2) await fresh();
      await check.run();
      passed++;
      console.log(`ok   ${index + 1} ${check.name} (${((Date.now() - checkStarted) / 1000).toFixed(1)} s)`);
    } catch (error) {
      const shot = path.join(options.artifacts, `${String(index + 1).padStart(2, "0")}-failed.png`);
      let saved = "";
      if (bench) {
        try {
          await bench.page.screenshot({ path: shot });
          saved = ` (screenshot: ${shot})`;
        } catch {
          // The browser is gone.
        }
      }
      console.log(`FAIL ${index + 1} ${check.name}${saved}\n     ${String(error).replace(/\n/g, "\n     ")}`);
      failures.push(check.name);
      // Without an editor, nothing after can run.
      if (!bench) break;
      await bench.escape().catch(() => undefined);
    }
  }
  await browser?.close().catch(() => undefined);
  editor.stop();
  await sleep(500);
  for (const pid of [...findProcesses(options.server), ...findProcesses("tessera-explorer", mlp)])
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // Already gone.
    }
  if (failures.length) {
    fs.writeFileSync(path.join(options.artifacts, "code-server.log"), editor.output());
    console.log(`code-server's log: ${path.join(options.artifacts, "code-server.log")}`);
  } else {
    fs.rmSync(home, { recursive: true, force: true });
  }
  const seconds = ((Date.now() - started) / 1000).toFixed(0);
  console.log(
    `VS Code end-to-end (code-server ${CODE_SERVER_VERSION}): ${passed} of ${selected.length} checks passed in ${seconds} s`,
  );
  return failures.length ? 1 : 0;
}

main().then(
  (status) => process.exit(status),
  (error) => {
    console.error(`VS Code end-to-end: ${error instanceof Error ? error.stack : String(error)}`);
    process.exit(1);
  },
);
