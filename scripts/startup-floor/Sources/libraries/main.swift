import ArgumentParser
import CPgQuery
import Foundation
import LintOptions
import Yams

// `lint`'s options parsed as in the argparser program; then what every migration-lint run does
// before its rules, with the libraries it links: the configuration looked for from the working
// folder up under both of its names (ConfigurationFile.find) and read with Yams if found, each
// path read (Foundation) and parsed by libpg_query. No rule, no lock model, no report: "[]" is
// written.
let lint: Lint
do { lint = try Lint.parseAsRoot() as! Lint } catch { Lint.exit(withError: error) }
var total = 0
var folder = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
search: while true {
    for name in [".migration-lint.yml", ".migration-lint.yaml"] {
        let config = folder.appendingPathComponent(name).path
        if FileManager.default.fileExists(atPath: config) {
            // A configuration Yams cannot read is read all the same: the work is what is timed.
            if let text = try? String(contentsOfFile: config, encoding: .utf8), (try? Yams.compose(yaml: text)) != nil { total += 1 }
            break search
        }
    }
    let parent = folder.deletingLastPathComponent()
    if parent.path == folder.path { break }
    folder = parent
}
for path in lint.input.paths {
    guard let data = try? Data(contentsOf: URL(fileURLWithPath: path)) else { exit(2) }
    let text = String(decoding: data, as: UTF8.self)
    let result = pg_query_parse(text)
    if let tree = result.parse_tree { total += strlen(tree) }
    pg_query_free_parse_result(result)
}
print(total > 0 ? "[]" : "[ ]")
