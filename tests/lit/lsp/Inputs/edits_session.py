"""Prints a JSON-RPC session for tessera-lsp on stdin: a document opened,
then didChange notifications whose ranges are outside it, then a good one,
shutdown and exit."""
import json
import sys

messages = [
    {"id": 1, "method": "initialize",
     "params": {"processId": None, "rootUri": None, "capabilities": {},
                "initializationOptions": {"pipelineDiagnostics": "off"}}},
    {"method": "initialized", "params": {}},
    {"method": "textDocument/didOpen",
     "params": {"textDocument": {"uri": "file:///t/a.mlir", "languageId": "mlir",
                                 "version": 1,
                                 "text": "func.func @f() {\n  return\n}\n"}}},
]


def change(version, start, end, text="x"):
    return {"method": "textDocument/didChange",
            "params": {"textDocument": {"uri": "file:///t/a.mlir",
                                        "version": version},
                       "contentChanges": [{
                           "range": {"start": {"line": start[0], "character": start[1]},
                                     "end": {"line": end[0], "character": end[1]}},
                           "text": text}]}}


messages += [
    change(2, (-1, 0), (-1, 0)),
    change(3, (0, -1), (0, 0)),
    change(4, (2 ** 40, 0), (2 ** 40, 0)),
    change(5, (0, 2 ** 40), (0, 2 ** 40)),
    change(6, (4, 0), (4, 0)),
    change(7, (0, 17), (0, 17)),
    change(8, (1, 0), (0, 0)),
    change(9, (3, 0), (3, 0), "// the end\n"),
    {"id": 2, "method": "shutdown", "params": None},
    {"method": "exit", "params": None},
]
for message in messages:
    message["jsonrpc"] = "2.0"
    body = json.dumps(message)
    sys.stdout.write("Content-Length: %d\r\n\r\n%s" % (len(body), body))
