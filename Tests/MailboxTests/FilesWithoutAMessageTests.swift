import CaptureCore
import Foundation
import TestSupport
import Testing

@testable import Mailbox

/// Maildir files with nothing of a message in them: left by a crash or a full disk.
@Suite struct FilesWithoutAMessage {
  @Test func anEmptyFileIsReportedByNameAndNotIndexed() throws {
    let tree = try MailTree("empty-file")
    try tree.write(mailText(id: "<ok@t>"), name: "1.M1P1.host:2,S")
    let empty = try tree.write("", name: "2.M2P2.host:2,S")
    let index = try tree.open()
    let summary = try index.refresh(progress: nil)
    #expect(summary.skipped.map(\.description) == ["cannot read \(empty.path): empty file"])
    #expect(try index.messageCount() == 1)
  }

  /// A crash after the size was written but before the data leaves NUL bytes, up to the
  /// file's size; a message with an attachment can be megabytes of them.
  @Test(arguments: [1, 4096, 3 << 20])
  func aFileOfOnlyNulBytesIsReportedByNameAndNotIndexed(size: Int) throws {
    let tree = try MailTree("nul-file")
    try tree.write(mailText(id: "<ok@t>"), name: "1.M1P1.host:2,S")
    let zeros = tree.root.appendingPathComponent("cur/2.M2P2.host:2,S")
    try Data(count: size).write(to: zeros)
    let index = try tree.open()
    let summary = try index.refresh(progress: nil)
    #expect(summary.skipped.map(\.description)
      == ["cannot read \(zeros.path): not a message: only NUL bytes"])
    #expect(try index.messageCount() == 1)
  }

  /// A file of line ends, spaces and tabs holds no message either; over 1 MiB of them
  /// (with or without a line end) says so too, rather than "header block longer than 1 MiB".
  @Test(arguments: ["\n", "\r\n\r\n", "\r\r\r", " \t\n\n  \n", "\t", "\n \r\n\t\r",
                    String(repeating: "\n", count: 3 << 20),
                    String(repeating: " ", count: 3 << 20)])
  func aFileOfOnlyBlankLinesIsReportedByNameAndNotIndexed(text: String) throws {
    let tree = try MailTree("blank-file")
    try tree.write(mailText(id: "<ok@t>"), name: "1.M1P1.host:2,S")
    let blank = try tree.write(text, name: "2.M2P2.host:2,S")
    let index = try tree.open()
    let summary = try index.refresh(progress: nil)
    #expect(summary.skipped.map(\.description)
      == ["cannot read \(blank.path): not a message: only blank lines"])
    #expect(try index.messageCount() == 1)
  }

  /// Text after the blank lines is a message without a header, as before.
  @Test func blankLinesBeforeTextAreStillAMessage() throws {
    let tree = try MailTree("blank-then-text")
    try tree.write("\n\nbackup: done\n", name: "1.M1P1.host:2,S")
    let index = try tree.open()
    let summary = try index.refresh(progress: nil)
    #expect(summary.skipped.isEmpty)
    #expect(try index.messageCount() == 1)
  }
}
