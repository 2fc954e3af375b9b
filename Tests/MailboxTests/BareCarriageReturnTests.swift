import CaptureCore
import Foundation
import TestSupport
import Testing

@testable import Mailbox

/// Message files whose lines end in a bare CR, as classic Mac OS mail programs saved them.
@Suite struct BareCarriageReturnFiles {
  /// A message with a large attachment, every line ended by CR alone.
  func classicMacMessage() -> String {
    let attachment = (0..<20_000).map { _ in String(repeating: "QUJD", count: 19) }
      .joined(separator: "\n")
    let text = mailText(
      id: "<mac@t>", date: "Fri, 3 Mar 2000 10:12:00 -0800",
      from: "Ann Lee <ann@fabrikam.example>", to: "Dana <dana@contoso.example>",
      cc: "Raj <raj@contoso.example>", subject: "Scans",
      body: "MIME-Version: 1.0\nContent-Type: application/octet-stream\n\n" + attachment + "\n")
    return text.replacingOccurrences(of: "\n", with: "\r")
  }

  /// A stray CR inside a header line of an LF message keeps the message's own Message-ID
  /// and addresses (it ended the header there, and the message got a synthetic id).
  @Test func aStrayCrInsideAHeaderLineKeepsTheRealHeader() throws {
    let tree = try MailTree("stray-cr")
    try tree.write(mailText(id: "<real@t>", from: "Ann Lee <ann@fabrikam.example>",
                            subject: "a\rb"), name: "1.M1P1.host:2,S")
    let index = try tree.open()
    _ = try index.refresh(progress: nil)
    let found = try index.newestMessages(matching: [address("ann@fabrikam.example")], limit: 5)
    #expect(found.map(\.messageId) == ["<real@t>"])
  }

  @Test func aLargeMessageWithBareCrLineEndsIsIndexed() throws {
    let tree = try MailTree("bare-cr")
    let text = classicMacMessage()
    #expect(text.utf8.count > HeaderBlockReader.maximumHeaderBytes)
    try tree.write(text, name: "1.M1P1.host:2,S")
    let index = try tree.open()
    let summary = try index.refresh(progress: nil)
    #expect(summary.skipped.isEmpty)
    let found = try index.newestMessages(matching: [address("raj@contoso.example")], limit: 5)
    #expect(found.map(\.messageId) == ["<mac@t>"])
    #expect(found.first?.subject == "Scans")
  }

  /// Its empty line then lies past the reader's first 8 KiB.
  @Test func aBareCrMessageWithAHeaderBlockLongerThanOneReadIsIndexed() throws {
    let tree = try MailTree("bare-cr-long")
    let hops = (0..<300).map { "Received: from relay\($0).fabrikam.example by mx.example\n" }
    let text = (hops.joined() + mailText(id: "<hops@t>", body: "Hi.\nFrom: not a header\n"))
      .replacingOccurrences(of: "\n", with: "\r")
    try tree.write(text, name: "1.M1P1.host:2,S")
    let index = try tree.open()
    #expect(try index.refresh(progress: nil).skipped.isEmpty)
    #expect(try index.ids(["dana@contoso.example"]) == ["<hops@t>"])
  }

  @Test func theHeaderBlockOfABareCrMessageEndsAtItsEmptyLine() {
    let text = "From: ann@fabrikam.example\rSubject: Scans\r\rBody\rMore\r\r"
    let end = Array(text.utf8).withUnsafeBytes { HeaderBlockReader.headerEnd($0) }
    #expect(end == "From: ann@fabrikam.example\rSubject: Scans\r".utf8.count)
  }

  @Test func aCrlfHeaderBlockStillEndsAtItsEmptyLine() {
    let text = "From: ann@fabrikam.example\r\nSubject: Scans\r\n\r\nBody\r\n"
    let end = Array(text.utf8).withUnsafeBytes { HeaderBlockReader.headerEnd($0) }
    #expect(end == "From: ann@fabrikam.example\r\nSubject: Scans\r\n".utf8.count)
  }
}
