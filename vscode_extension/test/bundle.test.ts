// The esbuild bundle that the .vsix ships (dist/extension.js, `npm run
// bundle`) loads and activates under a stub `vscode` module: it needs no
// package outside itself (the .vsix has no node_modules/) and registers every
// command package.json contributes.

import * as assert from "assert";
import * as fs from "fs";
import Module from "module";
import * as path from "path";
import { test } from "node:test";

const extensionRoot = path.resolve(__dirname, "..", "..");
const bundlePath = path.join(extensionRoot, "dist", "extension.js");

/** Any part of the API activation does not reach: callable, constructible, every property. */
function anything(): object {
  return new Proxy(function () {}, {
    // Not a thenable, and no Symbol.toPrimitive etc.
    get: (_target, key) => (key === "then" || typeof key === "symbol" ? undefined : anything()),
    apply: () => anything(),
    construct: () => anything(),
  });
}

/** `fields`, and anything() for whatever else is asked of it. */
function withFallback<T extends object>(fields: T): T {
  return new Proxy(fields, {
    get: (target, key) =>
      key in target || typeof key === "symbol"
        ? (target as Record<string | symbol, unknown>)[key]
        : anything(),
  });
}

test("the bundle needs only vscode and Node, and activates", () => {
  assert.ok(fs.existsSync(bundlePath), `${bundlePath} missing: run npm run bundle`);

  const registered: string[] = [];
  const disposable = { dispose: () => undefined };
  const event = () => disposable;
  const vscode = withFallback({
    StatusBarAlignment: { Left: 1, Right: 2 },
    EventEmitter: class {
      event = event;
      fire(): void {}
      dispose(): void {}
    },
    window: withFallback({
      createOutputChannel: () => withFallback({}),
      createStatusBarItem: () => withFallback({}),
      registerCustomEditorProvider: () => disposable,
    }),
    workspace: withFallback({
      textDocuments: [],
      getConfiguration: () => ({ get: (_key: string, fallback: unknown) => fallback }),
      registerTextDocumentContentProvider: () => disposable,
      onDidOpenTextDocument: event,
      onDidChangeWorkspaceFolders: event,
      onDidChangeConfiguration: event,
    }),
    commands: withFallback({
      registerCommand: (id: string) => {
        registered.push(id);
        return disposable;
      },
    }),
  });

  // What the bundle itself requires: `vscode` gets the stub, the rest must be
  // Node's own modules.
  const loader = Module as unknown as {
    _load(request: string, parent: { filename?: string } | undefined, isMain: boolean): unknown;
  };
  const load = loader._load;
  const required = new Set<string>();
  loader._load = function (request, parent, isMain) {
    if (parent?.filename === bundlePath) required.add(request);
    if (request === "vscode") return vscode;
    return load.call(this, request, parent, isMain);
  };
  let extension: { activate(context: unknown): void; deactivate(): void };
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded as VS Code loads it
    extension = require(bundlePath);
  } finally {
    loader._load = load;
  }
  const builtins = new Set(Module.builtinModules);
  for (const request of required)
    assert.ok(
      request === "vscode" || builtins.has(request.replace(/^node:/, "")),
      `the bundle requires ${request}, which the .vsix does not ship`,
    );
  assert.ok(required.has("vscode"), "the bundle should require vscode");
  assert.strictEqual(typeof extension.activate, "function");
  assert.strictEqual(typeof extension.deactivate, "function");

  const subscriptions: { dispose(): unknown }[] = [];
  extension.activate({ subscriptions, workspaceState: withFallback({}) });
  const manifest = JSON.parse(fs.readFileSync(path.join(extensionRoot, "package.json"), "utf8"));
  for (const { command } of manifest.contributes.commands as { command: string }[])
    assert.ok(registered.includes(command), `${command} is contributed but not registered`);
  // The server's code lenses name these.
  for (const command of ["tessera.compile", "tessera.run"])
    assert.ok(registered.includes(command), `${command} is not registered`);
  for (const subscription of subscriptions) subscription.dispose();
  extension.deactivate();
});
