import ArgumentParser
import CPgQuery
import Foundation
import LintOptions
import Yams

// `lint`'s options parsed as in the argparser program; then what every migration-lint run does
// before its rules, with the libraries it links: the configuration looked for from the working
// folder up (Foundation) and read if found (Yams), each path read (Foundation) and parsed by
// libpg_query. No rule, no lock model, no report: "[]" is written.
let lint: Lint
do { lint = try Lint.parseAsRoot() as! Lint } catch { Lint.exit(withError: error) }
var total = 0
var folder = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
while true {
    let config = folder.appendingPathComponent(".migration-lint.yml").path
    if FileManager.default.fileExists(atPath: config) {
        total += try Yams.compose(yaml: String(contentsOfFile: config, encoding: .utf8)) == nil ? 0 : 1
        break
    }
    let parent = folder.deletingLastPathComponent()
    if parent.path == folder.path { break }
    folder = parent
}
for path in lint.input.paths {
    let text = String(decoding: try Data(contentsOf: URL(fileURLWithPath: path)), as: UTF8.self)
    let result = pg_query_parse(text)
    if let tree = result.parse_tree { total += strlen(tree) }
    pg_query_free_parse_result(result)
}
print(total > 0 ? "[]" : "[ ]")
