// Tessera's custom requests (docs/LSP.md), over any JSON-RPC sender: the
// extension passes its LanguageClient, the tests a vscode-jsonrpc
// connection to the real server.

export type Send = (method: string, params: unknown) => Promise<unknown>;

export interface PassRecord {
  index: number;
  name: string;
  argument: string;
  phase: string;
  anchor: string;
  anchorSymbol: string;
  nesting: string;
  depth: number;
  ms: number;
  changed: boolean;
  failed: boolean;
}

export interface Diagnostic {
  message: string;
  severity?: number;
  range?: { start: { line: number; character: number } };
}

export interface PassesResult {
  version: number;
  compileTo: string;
  passes: PassRecord[];
  diagnostics: Diagnostic[];
}

export interface IrAfterPassResult {
  index: number;
  name: string;
  phase: string;
  changed: boolean;
  ir: string;
  previousIndex?: number;
  diff?: string;
}

export interface CompileResult {
  ok: boolean;
  output?: string;
  bytes?: number;
  diagnostics: Diagnostic[];
}

export class TesseraRequests {
  constructor(private readonly send: Send) {}

  passes(uri: string): Promise<PassesResult> {
    return this.send("tessera/passes", { textDocument: { uri } }) as Promise<PassesResult>;
  }

  irAfterPass(uri: string, index: number, diff = false): Promise<IrAfterPassResult> {
    return this.send("tessera/irAfterPass", {
      textDocument: { uri },
      index,
      diff,
    }) as Promise<IrAfterPassResult>;
  }

  compile(uri: string, output: string, workDoneToken?: string): Promise<CompileResult> {
    return this.send("tessera/compile", {
      textDocument: { uri },
      output,
      ...(workDoneToken ? { workDoneToken } : {}),
    }) as Promise<CompileResult>;
  }

  fromBytecode(uri: string): Promise<{ output: string }> {
    return this.send("mlir/convertFromBytecode", { uri }) as Promise<{ output: string }>;
  }
}

/** "● 12  flow  FormDispatchesPass  0.25 ms" for pickers. */
export function describePass(pass: PassRecord): string {
  const mark = pass.changed ? "\u25cf" : " ";
  const where = pass.anchorSymbol ? ` on @${pass.anchorSymbol}` : "";
  return `${mark} ${pass.index}  ${pass.phase}  ${pass.name}${where}  ${pass.ms.toFixed(2)} ms`;
}
