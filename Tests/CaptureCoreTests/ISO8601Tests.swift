import Foundation
import Testing

@testable import CaptureCore

@Suite struct ISO8601Tests {
  /// Foundation's format style is the reference the fast formatter must agree with.
  func reference(_ date: Date) -> String {
    date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: false, timeZone: .gmt))
  }

  @Test func formattingAgreesWithFoundationAcrossCenturiesAndLeapDays() {
    var seconds: [Double] = [
      0, -1, 951_782_400, 951_868_799, 1_709_164_800, 4_107_542_400, -2_208_988_800,
      253_402_300_799,
    ]
    var x: UInt64 = 0x9E37_79B9_7F4A_7C15
    for _ in 0..<2000 {
      x = x &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      seconds.append(Double(Int64(bitPattern: x >> 1) % 40_000_000_000) - 10_000_000_000)
    }
    for s in seconds {
      let date = Date(timeIntervalSince1970: s)
      #expect(ISO8601.format(date) == reference(date), "\(s)")
    }
  }

  /// Foundation switches to the Julian calendar before October 1582; ISO 8601 (and
  /// `gmtime_r`) stay Gregorian.
  @Test func datesBeforeTheGregorianReformStayGregorian() {
    #expect(ISO8601.format(Date(timeIntervalSince1970: -30_610_224_000)) == "1000-01-01T00:00:00Z")
  }

  @Test func fractionsOfASecondAreDroppedNotRounded() {
    let date = Date(timeIntervalSince1970: 1_763_892_659.999)
    #expect(ISO8601.format(date) == "2025-11-23T10:10:59Z")
    #expect(ISO8601.format(Date(timeIntervalSince1970: -0.5)) == "1969-12-31T23:59:59Z")
  }

  @Test func whatIsFormattedParsesBackToTheSameSecond() throws {
    let date = Date(timeIntervalSince1970: 1_795_340_000)
    let parsed = try #require(ISO8601.parse(ISO8601.format(date)))
    #expect(parsed == date)
  }
}
