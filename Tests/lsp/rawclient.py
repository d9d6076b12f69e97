"""A bare JSON-RPC connection to `migration-lint lsp`, for what a real client never sends:
bodies that are not JSON, unknown methods, floods of changes. Also used by scripts/bench.sh."""

import json
import os
import pathlib
import select
import subprocess
import time


class RawServer:
    def __init__(self, binary, root: pathlib.Path, debounce_ms=20):
        self.process = subprocess.Popen([binary, "lsp"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, cwd=root)
        self.buffer = b""
        self.next_id = 1
        self.root = root
        options = {"ruleDocumentationDirectory": str(root / ".rule-pages")}
        if debounce_ms is not None:  # None: the server's default
            options["debounceMilliseconds"] = debounce_ms
        reply = self.request("initialize", {"processId": os.getpid(), "rootUri": root.as_uri(), "capabilities": {},
                                            "initializationOptions": options})
        assert "capabilities" in reply["result"]
        self.notify("initialized", {})

    def send_bytes(self, body: bytes):
        self.process.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.process.stdin.flush()

    def send(self, message):
        self.send_bytes(json.dumps(message).encode())

    def notify(self, method, params):
        self.send({"jsonrpc": "2.0", "method": method, "params": params})

    def request(self, method, params, timeout=30):
        request_id = self.next_id
        self.next_id += 1
        self.send({"jsonrpc": "2.0", "id": request_id, "method": method, "params": params})
        return self.receive(lambda m: m.get("id") == request_id and "method" not in m, timeout)

    def receive(self, wanted, timeout=30):
        """The next message for which `wanted` is true; others are dropped."""
        deadline = time.monotonic() + timeout
        while True:
            while b"\r\n\r\n" in self.buffer:
                header, rest = self.buffer.split(b"\r\n\r\n", 1)
                length = int(header.split(b":")[1])
                if len(rest) < length:
                    break
                message = json.loads(rest[:length])
                self.buffer = rest[length:]
                if wanted(message):
                    return message
            remaining = deadline - time.monotonic()
            assert remaining > 0, "no answer from the server"
            ready, _, _ = select.select([self.process.stdout], [], [], remaining)
            if ready:
                chunk = os.read(self.process.stdout.fileno(), 1 << 20)
                assert chunk, f"the server closed its output (exit {self.process.wait()})"
                self.buffer += chunk

    def diagnostics(self, uri, version, timeout=30):
        message = self.receive(lambda m: m.get("method") == "textDocument/publishDiagnostics"
                               and m["params"]["uri"] == uri and m["params"].get("version") == version, timeout)
        return message["params"]["diagnostics"]

    def open(self, uri, text, version=1):
        self.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "sql", "version": version, "text": text}})

    def change(self, uri, version, start, end, text):
        self.notify("textDocument/didChange", {
            "textDocument": {"uri": uri, "version": version},
            "contentChanges": [{"range": {"start": {"line": start[0], "character": start[1]},
                                          "end": {"line": end[0], "character": end[1]}}, "text": text}]})

    def resident_kib(self):
        with open(f"/proc/{self.process.pid}/status") as status:
            return next(int(line.split()[1]) for line in status if line.startswith("VmRSS:"))

    def close(self):
        self.request("shutdown", None)
        self.notify("exit", None)
        return self.process.wait(timeout=10)
