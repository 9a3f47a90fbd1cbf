// Which documents each tessera-lsp client serves. A folder's client takes
// the files under it; the client for everything else takes only the files
// it was opened for (a selector cannot exclude folders, and two clients on
// one document would double every hover, lens and hint), plus untitled
// documents and bytecode opened as text.

/** A vscode.DocumentFilter, without importing vscode (for unit tests). */
export interface MlirDocumentFilter {
  language: "mlir";
  scheme: string;
  pattern?: string;
}

/** Documents of these schemes get a server; others (the IR after a pass,
 * read-only) do not. */
export const SERVED_SCHEMES = ["file", "untitled", "tessera-bytecode"];

/** `path` as a glob that matches only itself. */
export function literalGlob(path: string): string {
  return path.replace(/[*?[\]{}!]/g, (special) => `[${special}]`);
}

export function folderSelector(folderPath: string): MlirDocumentFilter[] {
  return [{ language: "mlir", scheme: "file", pattern: `${literalGlob(folderPath)}/**/*` }];
}

export function looseFilesSelector(files: Iterable<string>): MlirDocumentFilter[] {
  return [
    ...[...files].map((file) => ({
      language: "mlir" as const,
      scheme: "file",
      pattern: literalGlob(file),
    })),
    { language: "mlir", scheme: "untitled" },
    { language: "mlir", scheme: "tessera-bytecode" },
  ];
}
