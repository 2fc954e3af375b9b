import Foundation
import MailFormats
import TestSupport
import Testing

/// Every file of the shared iCalendar corpus, read whole.
@Suite struct ICalendarCorpusTests {
  static let corpus = Fixtures.shared.appendingPathComponent("corpus/calendar/icalendar")

  static func allFiles() -> [URL] {
    let e = FileManager.default.enumerator(at: corpus, includingPropertiesForKeys: nil)
    var files: [URL] = []
    while let url = e?.nextObject() as? URL {
      if url.pathExtension == "ics" { files.append(url) }
    }
    return files.sorted { $0.path < $1.path }
  }

  @Test func dumpAll() throws {
    let utc = try #require(TimeZone(identifier: "UTC"))
    let window = Date(timeIntervalSince1970: -3e9)...Date(timeIntervalSince1970: 4e9)
    for url in Self.allFiles() {
      let data = try Data(contentsOf: url)
      let cal = ICalendar.parse(data)
      let occ = cal.expandOccurrences(startingIn: window, timeZone: utc)
      print("== \(url.path.replacingOccurrences(of: Self.corpus.path, with: "")) method=\(cal.method ?? "-") events=\(cal.events.count) occ=\(occ.occurrences.count) tz=\(cal.timezones.keys.sorted())")
      if let p = cal.problem { print("  PROBLEM \(p)") }
      for s in cal.skippedEvents { print("  SKIP \(s)") }
      for w in cal.warnings + occ.warnings { print("  WARN \(w)") }
      for o in occ.occurrences.prefix(3) { print("  OCC \(o.uid ?? "-") \(o.start) rid=\(o.recurrenceId.map { "\($0)" } ?? "-") \(o.summary ?? "")") }
    }
  }
}
