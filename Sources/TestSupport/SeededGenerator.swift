import Foundation

/// A random number generator that a test seeds and names, so a run that fails can be
/// repeated exactly: the seed comes from `AUTOCAPTURE_TEST_SEED` when set, else from the
/// system, and is printed before the first draw (SplitMix64).
public struct SeededGenerator: RandomNumberGenerator, Sendable {
  public let seed: UInt64
  private var state: UInt64

  public init(seed: UInt64) {
    self.seed = seed
    state = seed
  }

  /// A generator for `test`, seeded from the environment or at random; prints the seed and
  /// how to repeat the run.
  public static func forTest(_ test: String) -> SeededGenerator {
    let given = ProcessInfo.processInfo.environment["AUTOCAPTURE_TEST_SEED"].flatMap(UInt64.init)
    let generator = SeededGenerator(seed: given ?? UInt64.random(in: 0...UInt64.max))
    print("\(test): seed \(generator.seed) (AUTOCAPTURE_TEST_SEED=\(generator.seed) repeats it)")
    return generator
  }

  public mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
}
