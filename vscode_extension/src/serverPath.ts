// Where tessera-lsp (and its sibling tools) are found. Users of the LLVM
// MLIR extension complain that it only looks inside the workspace; here the
// setting may be absolute or workspace-relative, and without it the
// project's build output and then PATH are searched.

import * as path from "path";

export interface Filesystem {
  /** Whether `file` exists and is a file (not a directory). */
  isFile(file: string): boolean;
}

export type Resolution =
  | { path: string; source: "setting" | "build" | "PATH" }
  | { error: string };

/** Build outputs searched in a workspace folder, in order. */
export const BUILD_DIRECTORIES = ["build/bin", "build/Release/bin", "bin"];

function expandVariables(text: string, folder: string | undefined): string {
  return text.replace(/\$\{workspaceFolder\}/g, folder ?? "${workspaceFolder}");
}

/**
 * Resolves `binary` ("tessera-lsp"): the setting first (absolute, or
 * relative to the workspace folder, `${workspaceFolder}` expanded), else
 * each BUILD_DIRECTORIES entry of the folder, else each PATH entry.
 */
export function resolveTool(
  binary: string,
  setting: string,
  folder: string | undefined,
  pathVariable: string | undefined,
  fs: Filesystem,
): Resolution {
  const tried: string[] = [];
  const configured = expandVariables(setting.trim(), folder);
  if (configured) {
    if (configured.includes("${workspaceFolder}"))
      return { error: `'${setting}' names \${workspaceFolder} but no folder is open` };
    const candidate = path.isAbsolute(configured)
      ? configured
      : path.resolve(folder ?? process.cwd(), configured);
    if (fs.isFile(candidate)) return { path: candidate, source: "setting" };
    return { error: `tessera.server.path: ${candidate} does not exist` };
  }
  if (folder) {
    for (const directory of BUILD_DIRECTORIES) {
      const candidate = path.join(folder, directory, binary);
      if (fs.isFile(candidate)) return { path: candidate, source: "build" };
      tried.push(candidate);
    }
  }
  for (const directory of (pathVariable ?? "").split(path.delimiter)) {
    if (!directory) continue;
    const candidate = path.join(directory, binary);
    if (fs.isFile(candidate)) return { path: candidate, source: "PATH" };
  }
  tried.push(`${binary} on PATH`);
  return {
    error: `${binary} not found (tried ${tried.join(", ")}); set tessera.server.path`,
  };
}

/** A sibling tool of the server (tessera, tessera-explorer), else PATH. */
export function siblingTool(
  serverPath: string,
  binary: string,
  pathVariable: string | undefined,
  fs: Filesystem,
): Resolution {
  const candidate = path.join(path.dirname(serverPath), binary);
  if (fs.isFile(candidate)) return { path: candidate, source: "build" };
  return resolveTool(binary, "", undefined, pathVariable, fs);
}
