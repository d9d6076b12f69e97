import ArgumentParser
import LintOptions
#if canImport(Glibc)
import Glibc
#endif

// `lint`'s options parsed by ArgumentParser as migration-lint parses them; then each path read
// and "[]" written.
let lint: Lint
do { lint = try Lint.parseAsRoot() as! Lint } catch { Lint.exit(withError: error) }
var total = 0
for path in lint.input.paths {
    guard let file = fopen(path, "r") else { exit(2) }
    var buffer = [UInt8](repeating: 0, count: 65536)
    total += fread(&buffer, 1, buffer.count, file)
    fclose(file)
}
print(total > 0 ? "[]" : "[ ]")
