import Foundation
import Testing
import TestSupport

/// `scripts/build-release.sh`, which the install instructions, the GitHub action, the GitLab
/// example and `scripts/bench.sh` build through: it must build, print the binary's path, and the
/// binary it builds must lint exactly as the development build does.
@Suite struct ReleaseBuildTests {
    @Test(.slow) // a release build from scratch
    func buildsABinaryThatLintsAsTheDevelopmentBuildDoes() throws {
        let development = try #require(Support.binary, "migration-lint is not built; run `swift build` first")
        let scratch = Support.repositoryRoot.appendingPathComponent(".build/release-shipped")
        let build = try Support.run(["bash", "scripts/build-release.sh", "--scratch-path", scratch.path], in: Support.repositoryRoot)
        try #require(build.status == 0, "\(build.all)")
        // The build's own output goes to standard error; standard output is the path alone.
        let binary = build.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(binary.hasPrefix(scratch.path) && binary.hasSuffix("/migration-lint"), "\(build.all)")
        #expect(FileManager.default.isExecutableFile(atPath: binary), "\(build.all)")

        #if os(Linux)
        // An ELF executable of type EXEC (2), linked at a fixed address, not a position-independent DYN (3).
        let header = try #require(FileManager.default.contents(atPath: binary)?.prefix(18))
        #expect(Array(header.prefix(4)) == [0x7F, 0x45, 0x4C, 0x46])
        #expect(header[header.startIndex + 16] == 2, "the release binary is not linked at a fixed address")
        // With libpg_query's and libstdc++'s static archives (libpg-query-dev and libstdc++-12-dev
        // ship them; the script links each one it finds into .build/static-libs) the binary is a
        // static executable: no program interpreter (the dynamic loader) and no shared library to
        // map and relocate at start-up.
        let staticLibs = Support.repositoryRoot.appendingPathComponent(".build/static-libs")
        let archives = ["libpg_query.a", "libstdc++.a"].map { staticLibs.appendingPathComponent($0).path }
        if archives.allSatisfy(FileManager.default.fileExists(atPath:)) {
            let headers = try Support.run(["readelf", "--program-headers", "--dynamic", binary], in: Support.repositoryRoot)
            #expect(headers.status == 0, "\(headers.all)")
            #expect(!headers.stdout.contains("INTERP") && !headers.stdout.contains("NEEDED"), "the release binary loads shared libraries: \(headers.stdout)")
        }
        #endif

        let version = try Support.run([binary, "--version"], in: Support.repositoryRoot)
        #expect(version.status == 0 && version.stdout.hasPrefix("migration-lint "), "\(version.all)")
        for arguments in [["lint", "--format", "json", "Fixtures/examples"], ["lint", "Fixtures/examples/001_add_token.sql"]] {
            let shipped = try Support.run([binary] + arguments, in: Support.repositoryRoot, environment: ["NO_COLOR": "1"])
            let expected = try Support.run([development] + arguments, in: Support.repositoryRoot, environment: ["NO_COLOR": "1"])
            #expect(shipped.status == expected.status && shipped.status == 1, "\(shipped.all)")
            #expect(shipped.stdout == expected.stdout, "\(arguments): the release binary's output differs")
            #expect(shipped.stdout.contains("add-column-volatile-default"), "\(shipped.all)")
        }
    }
}
