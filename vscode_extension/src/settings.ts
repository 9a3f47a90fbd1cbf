// The extension's settings as the server's initialization options and
// workspace/didChangeConfiguration payload (docs/LSP.md).

export type PipelineDiagnostics = "off" | "onSave" | "onType";

export interface TesseraSettings {
  serverPath: string;
  serverArgs: string[];
  targets: string[];
  pipelineDiagnostics: PipelineDiagnostics;
  compileTo: string;
}

export interface ServerConfiguration {
  pipelineDiagnostics: "off" | "save" | "idle";
  targets: string[];
  compileTo: string;
  /** Code lenses name the extension's commands (richer than the server's). */
  codeLensCommands: "client";
}

export function toServerConfiguration(settings: TesseraSettings): ServerConfiguration {
  const modes = { off: "off", onSave: "save", onType: "idle" } as const;
  return {
    pipelineDiagnostics: modes[settings.pipelineDiagnostics] ?? "idle",
    targets: settings.targets.length ? settings.targets : ["llvm-cpu"],
    compileTo: settings.compileTo || "loader",
    codeLensCommands: "client",
  };
}

/** Whether a change needs a new server process (not just new settings). */
export function needsRestart(before: TesseraSettings, after: TesseraSettings): boolean {
  return (
    before.serverPath !== after.serverPath ||
    before.serverArgs.join("\u0000") !== after.serverArgs.join("\u0000")
  );
}
