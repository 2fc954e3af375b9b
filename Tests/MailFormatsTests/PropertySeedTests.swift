import Foundation
import PropertyBased
import Testing

/// A failing property test names the seed of the failing case, and that seed draws the same
/// input again: a failure seen once, in CI or on a laptop, can be repeated exactly by adding
/// `.fixedSeed(...)` to the test. Every property test in the suite relies on this.
@Suite struct PropertySeedTests {
  static let numbers = Gen.int(in: 0...1_000_000).array(of: 1...8)

  @Test func aFailingPropertyNamesASeedThatDrawsTheSameInput() async throws {
    let comments = IssueComments()
    await withKnownIssue {
      await propertyCheck(count: 50, input: Self.numbers) { values in
        // Fails on the first draw: the sum of non-negative numbers is never negative.
        #expect(values.reduce(0, +) < 0)
      }
    } matching: { issue in
      comments.append(issue.comments.map(\.rawValue).joined(separator: "\n"))
      return true
    }

    let report = try #require(comments.all.first { $0.contains(".fixedSeed(") })
    let seed = try #require(Self.quotedSeed(in: report), "no seed in: \(report)")
    var generator = try #require(Xoshiro(seed: seed), "not a seed: \(seed)")
    let redrawn = Self.numbers.run(using: &generator)
    // The report names the drawn input, and the shrunk one when shrinking is on.
    #expect(report.contains("\(redrawn)"), "\(report)")
  }

  /// The base64 text between `.fixedSeed("` and the next `"`.
  static func quotedSeed(in text: String) -> String? {
    guard let start = text.range(of: ".fixedSeed(\"") else { return nil }
    let rest = text[start.upperBound...]
    guard let end = rest.firstIndex(of: "\"") else { return nil }
    return String(rest[..<end])
  }
}

/// The comments of the issues a known-issue block matched, collected from whatever thread
/// reports them.
private final class IssueComments: @unchecked Sendable {
  private let lock = NSLock()
  private var comments: [String] = []

  func append(_ comment: String) { lock.withLock { comments.append(comment) } }
  var all: [String] { lock.withLock { comments } }
}
