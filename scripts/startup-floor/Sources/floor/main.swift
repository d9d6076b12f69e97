#if canImport(Glibc)
import Glibc
#endif

// Reads each path argument (64 KiB at most) and writes "[]": a Swift program's start and exit.
var total = 0
for path in CommandLine.arguments.dropFirst() where !path.hasPrefix("-") {
    guard let file = fopen(path, "r") else { exit(2) }
    var buffer = [UInt8](repeating: 0, count: 65536)
    total += fread(&buffer, 1, buffer.count, file)
    fclose(file)
}
print(total > 0 ? "[]" : "[ ]")
