import Foundation
import Testing
import Yams

/// The lint step of action.yml, run by bash as the GitHub runner runs it (inputs in the
/// environment, GITHUB_OUTPUT and GITHUB_STEP_SUMMARY files), with the built migration-lint.
@Suite struct ActionTests {
    struct Step {
        var script: String
        /// Environment names mapped to the input each one reads.
        var inputs: [String: String]
    }

    static func lintStep() throws -> Step {
        let text = try String(contentsOf: Support.repositoryRoot.appendingPathComponent("action.yml"), encoding: .utf8)
        let root = try #require(try Yams.load(yaml: text) as? [String: Any])
        let runs = try #require(root["runs"] as? [String: Any])
        #expect(runs["using"] as? String == "composite")
        let steps = try #require(runs["steps"] as? [[String: Any]])
        let step = try #require(steps.first { $0["id"] as? String == "lint" })
        let environment = try #require(step["env"] as? [String: String])
        var inputs: [String: String] = [:]
        for (name, value) in environment {
            // `${{ inputs.fail-on }}` -> fail-on
            let input = value.replacingOccurrences(of: "${{ inputs.", with: "").replacingOccurrences(of: " }}", with: "")
            inputs[name] = input
        }
        return Step(script: try #require(step["run"] as? String), inputs: inputs)
    }

    func runLintStep(_ inputs: [String: String], in directory: URL) throws -> (output: Support.Output, outputs: String, summary: String) {
        let binary = try #require(Support.binary, "migration-lint is not built; run `swift build` first")
        let step = try Self.lintStep()
        var environment = ["MIGRATION_LINT": binary,
                           "GITHUB_OUTPUT": directory.appendingPathComponent("github-output").path,
                           "GITHUB_STEP_SUMMARY": directory.appendingPathComponent("summary.md").path]
        for (name, input) in step.inputs { environment[name] = inputs[input] ?? "" }
        if environment["INPUT_SUMMARY"] == "" { environment["INPUT_SUMMARY"] = "true" }
        let scriptURL = directory.appendingPathComponent("step.sh")
        try step.script.write(to: scriptURL, atomically: true, encoding: .utf8)
        // The runner's `shell: bash`.
        let output = try Support.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", scriptURL.path], in: directory, environment: environment)
        let outputs = (try? String(contentsOf: directory.appendingPathComponent("github-output"), encoding: .utf8)) ?? ""
        let summary = (try? String(contentsOf: directory.appendingPathComponent("summary.md"), encoding: .utf8)) ?? ""
        return (output, outputs, "\(summary)")
    }

    @Test func annotatesSummarizesAndWritesSARIF() throws {
        let directory = try Support.temporaryDirectory("action")
        defer { try? FileManager.default.removeItem(at: directory) }
        try Support.write("CREATE INDEX users_email_idx ON users (email);\n", to: "db/migrations/001 index.sql", in: directory)
        try Support.write("CREATE TABLE audit (id bigint PRIMARY KEY);\n", to: "db/clean/001_audit.sql", in: directory)

        let (output, outputs, summary) = try runLintStep(["paths": "db/migrations\n", "sarif-file": "out.sarif"], in: directory)
        #expect(output.status == 1, "\(output.all)")
        #expect(output.stdout.contains("::warning file=db/migrations/001 index.sql,line=1,col=8,endLine=1,endColumn=13,title=create-index-concurrently::"),
                "\(output.all)")
        #expect(outputs.contains("exit-code=1\n") && outputs.contains("sarif-file=out.sarif\n"), "\(outputs)")
        #expect(summary.contains("#### `db/migrations/001 index.sql`"), "\(summary)")
        #expect(summary.contains("CREATE INDEX CONCURRENTLY users_email_idx ON users (email);"), "\(summary)")
        let sarif = try Data(contentsOf: directory.appendingPathComponent("out.sarif"))
        let log = try #require(try JSONSerialization.jsonObject(with: sarif) as? [String: Any])
        #expect(log["version"] as? String == "2.1.0")

        let clean = try runLintStep(["paths": "db/clean", "summary": "false"], in: directory)
        #expect(clean.output.status == 0, "\(clean.output.all)")
        #expect(clean.outputs.contains("exit-code=0\n"))
        // With summary off, nothing more was added.
        #expect(clean.summary == summary)

        let lenient = try runLintStep(["paths": "db/migrations", "fail-on": "error", "summary": "false"], in: directory)
        #expect(lenient.output.status == 0, "\(lenient.output.all)")
    }
}
