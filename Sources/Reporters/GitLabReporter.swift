import Foundation
import MigrationLint
import PostgresSyntax

/// GitLab code-quality report (`artifacts:reports:codequality`): a JSON array of issues.
/// GitLab compares the fingerprints of the merge request with those of the target branch to
/// tell new findings from old ones, so a fingerprint must survive unrelated edits: it hashes
/// path, rule, message and the statement's text (whitespace collapsed), never the line number.
/// The format is an array of issues with no place for totals: each place not analyzed is an
/// `info` issue with `check_name` `not-analyzed` (not for a statement whose `syntax-error` issue
/// is already there); the counts are in the job log's text output.
public struct GitLabReporter: Reporter {
    public init() {}

    public func render(_ result: LintResult) -> String {
        var issues: [JSONValue] = []
        for report in result.reports {
            let statements = StatementSplitter.split(report.source.bytes)
            // Two identical findings on identical statements in one file still need two fingerprints.
            var occurrences: [String: Int] = [:]
            for diagnostic in report.diagnostics {
                let statement = statements.last { $0.range.lowerBound <= diagnostic.range.lowerBound }
                    .map { Self.collapseWhitespace(report.source.text($0.range)) } ?? ""
                let key = [report.path, diagnostic.ruleID, diagnostic.message, statement].joined(separator: "\u{0}")
                occurrences[key, default: 0] += 1
                let occurrence = occurrences[key, default: 1]
                let fingerprint = SHA256.hex(Array((occurrence == 1 ? key : key + "\u{0}\(occurrence)").utf8))
                let line = report.source.position(of: diagnostic.range.lowerBound).line
                issues.append(.sortedObject([
                    ("type", .string("issue")),
                    ("description", .string("\(diagnostic.message) [\(diagnostic.ruleID)]")),
                    ("check_name", .string(diagnostic.ruleID)),
                    ("fingerprint", .string(fingerprint)),
                    ("severity", .string(Self.severity(diagnostic.severity))),
                    ("categories", .array([.string("Bug Risk")])),
                    ("location", .sortedObject([
                        ("path", .string(report.path)),
                        ("lines", .sortedObject([("begin", .int(line))])),
                    ])),
                ]))
            }
            // Each place no rule checked is an `info` issue named `not-analyzed`, so the merge
            // request widget shows the new ones; its fingerprint hashes the place's own text.
            for place in report.unanalyzedPlaces where !place.alreadyReported {
                issues.append(Self.issue(place, occurrences: &occurrences))
            }
        }
        // The places in earlier files that the history replay could not read, once each.
        var occurrences: [String: Int] = [:]
        for place in result.historyPlaces { issues.append(Self.issue(place, occurrences: &occurrences)) }
        return JSONWriter.document(.array(issues))
    }

    static func issue(_ place: UnanalyzedPlace, occurrences: inout [String: Int]) -> JSONValue {
        let key = [place.path, notAnalyzedID, place.reason, collapseWhitespace(place.text)].joined(separator: "\u{0}")
        occurrences[key, default: 0] += 1
        let occurrence = occurrences[key, default: 1]
        return .sortedObject([
            ("type", .string("issue")),
            ("description", .string("\(place.message) [\(notAnalyzedID)]")),
            ("check_name", .string(notAnalyzedID)),
            ("fingerprint", .string(SHA256.hex(Array((occurrence == 1 ? key : key + "\u{0}\(occurrence)").utf8)))),
            ("severity", .string("info")),
            ("categories", .array([.string("Bug Risk")])),
            ("location", .sortedObject([
                ("path", .string(place.path)),
                ("lines", .sortedObject([("begin", .int(place.line))])),
            ])),
        ])
    }

    /// Errors stop a deploy with locks held: critical. Warnings block writes or break clients: major.
    static func severity(_ severity: Severity) -> String {
        switch severity {
        case .error: return "critical"
        case .warning: return "major"
        case .info: return "info"
        }
    }

    static func collapseWhitespace(_ text: String) -> String {
        text.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
    }
}

/// SHA-256 (FIPS 180-4), for stable fingerprints without a crypto dependency.
enum SHA256 {
    static let k: [UInt32] = [
        0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
        0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
        0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
        0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
        0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
        0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
        0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
        0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
    ]

    static func hex(_ message: [UInt8]) -> String {
        var h: [UInt32] = [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19]
        var data = message
        data.append(0x80)
        while data.count % 64 != 56 { data.append(0) }
        let bitLength = UInt64(message.count) &* 8
        for shift in stride(from: 56, through: 0, by: -8) { data.append(UInt8(truncatingIfNeeded: bitLength >> UInt64(shift))) }
        var w = [UInt32](repeating: 0, count: 64)
        for chunk in stride(from: 0, to: data.count, by: 64) {
            for i in 0..<16 {
                let b = chunk + i * 4
                w[i] = UInt32(data[b]) << 24 | UInt32(data[b + 1]) << 16 | UInt32(data[b + 2]) << 8 | UInt32(data[b + 3])
            }
            for i in 16..<64 {
                let s0 = rotate(w[i - 15], 7) ^ rotate(w[i - 15], 18) ^ (w[i - 15] >> 3)
                let s1 = rotate(w[i - 2], 17) ^ rotate(w[i - 2], 19) ^ (w[i - 2] >> 10)
                w[i] = w[i - 16] &+ s0 &+ w[i - 7] &+ s1
            }
            var (a, b, c, d, e, f, g, hh) = (h[0], h[1], h[2], h[3], h[4], h[5], h[6], h[7])
            for i in 0..<64 {
                let s1 = rotate(e, 6) ^ rotate(e, 11) ^ rotate(e, 25)
                let choice = (e & f) ^ (~e & g)
                let t1 = hh &+ s1 &+ choice &+ k[i] &+ w[i]
                let s0 = rotate(a, 2) ^ rotate(a, 13) ^ rotate(a, 22)
                let majority = (a & b) ^ (a & c) ^ (b & c)
                let t2 = s0 &+ majority
                hh = g; g = f; f = e; e = d &+ t1; d = c; c = b; b = a; a = t1 &+ t2
            }
            h[0] = h[0] &+ a; h[1] = h[1] &+ b; h[2] = h[2] &+ c; h[3] = h[3] &+ d
            h[4] = h[4] &+ e; h[5] = h[5] &+ f; h[6] = h[6] &+ g; h[7] = h[7] &+ hh
        }
        return h.map { word in
            let digits = String(word, radix: 16)
            return String(repeating: "0", count: 8 - digits.count) + digits
        }.joined()
    }

    static func rotate(_ x: UInt32, _ n: UInt32) -> UInt32 { (x >> n) | (x << (32 - n)) }
}
