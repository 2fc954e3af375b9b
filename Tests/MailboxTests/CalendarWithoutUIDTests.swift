import CaptureCore
import Foundation
import Mailbox
import TestSupport
import Testing

/// A meeting from an exporter that writes no UID is captured, under the same id on every
/// read; two such meetings stay two.
@Suite struct CalendarWithoutUIDTests {
  @Test func meetingsWithoutUIDAreCapturedUnderStableIds() throws {
    let folder = try CalendarFolder()
    defer { folder.remove() }
    func event(_ summary: String) -> [String] {
      ["BEGIN:VEVENT", "DTSTART:20251124T150000Z", "SUMMARY:\(summary)",
       "ORGANIZER:mailto:ann@fabrikam.example", "END:VEVENT"]
    }
    let path = try folder.write("export.ics", event("Review") + event("Review") + event("Demo"))
    func ids() throws -> [String] {
      try CalendarFiles(paths: [path]).meetings(
        matching: CalendarFilesTests.ann, startingIn: CalendarFilesTests.window,
        timeZone: TimeZone(identifier: "UTC")!
      ).map { ItemID.meeting(uid: $0.uid, recurrenceId: $0.recurrenceId).text }.sorted()
    }
    let first = try ids()
    #expect(first.count == 3)
    #expect(Set(first).count == 3)
    #expect(try ids() == first)
  }
}
