import CaptureCore
import Foundation
import TestSupport
import Testing

@testable import Mailbox

/// Which `From ` lines after an empty line begin a message: those of a real mbox writer.
@Suite struct MboxSeparatorLines {
  /// Two messages joined by `separator`; the slices found in them.
  func slices(separator: String) -> [MboxLayout.Slice] {
    let text = "From ann@fabrikam.example Mon Apr 17 09:00:00 2023\n"
      + mailText(id: "<one@t>") + "\n" + separator + "\n" + mailText(id: "<two@t>")
    return Array(text.utf8).withUnsafeBytes { MboxLayout.slices($0) }
  }

  @Test(arguments: [
    "From ann@fabrikam.example Tue Apr 18 13:38:40 2023",
    "From - Mon Jan  1 00:00:00 2024",  // Thunderbird
    "From 1783920349873543465@xxx Sat Nov 07 12:18:47 +0000 2020",  // Gmail Takeout
    "From MAILER-DAEMON Fri Apr 06 16:46:09 2001",
    "From SRS0=aO/p=ON=bag.python.org=None@bounce2.pobox.com  Fri Nov 26 21:40:36 2004",
    "From xxxx@yyyyyyy.fr Wed Aug  2 00:39:12 MET DST 1995",  // two zone words
    "From joe Mon Jan  1 09:00 2001 remote from relay",  // hh:mm, UUCP remote from
    "From \"Ann Lee\"@fabrikam.example Tue Apr 18 13:38:40 2023",  // quoted local part
    "From ann at fabrikam.example  Tue Apr 18 13:38:40 2023",  // pipermail archives
    "From Tue Apr 18 13:38:40 2023",  // no sender
    "From ann@fabrikam.example Tue Apr 18 13:38:40 2023\r",  // a CRLF mbox
    "From ann@fabrikam.example Tue, 18 Apr 2023 13:38:40 +0000",  // an RFC 5322 date
  ])
  func aRealWritersSeparatorBeginsAMessage(separator: String) {
    #expect(slices(separator: separator).count == 2)
  }

  @Test(arguments: [
    "From here on, all prices are in EUR.",
    "From a",
    "From 9:00 to 17:00 every day in 2024",
    "From ann@fabrikam.example, Tue Apr 18 2023",  // a date without time
    "From ann@fabrikam.example Tue Apr 18 13:38:40",  // a time without year
    "From the desk of Ann Lee, Tue Apr 18 13:38:40 2023",  // words before the date
  ])
  func aBodyLineStartingWithFromIsNotASeparator(line: String) {
    #expect(slices(separator: line).count == 1)
  }

  /// mboxcl2 writers (older mutt, Solaris mail) rely on Content-Length and leave body
  /// lines beginning with `From ` unquoted.
  @Test func anUnquotedFromLineAfterAnEmptyBodyLineStaysInItsMessage() throws {
    let body = "Dear all,\n\nFrom the minutes of Monday's meeting:\n- budget approved\n"
    let letter = mailText(id: "<letter@t>", subject: "Minutes", body: body)
    let text = "From ann@fabrikam.example Tue Apr 18 13:38:40 2023\n"
      + "Content-Length: \(body.utf8.count)\n" + letter + "\n"
      + "From ann@fabrikam.example Wed Apr 19 09:00:00 2023\n"
      + mailText(id: "<next@t>", date: "Wed, 19 Apr 2023 09:00:00 +0000") + "\n"
    let (index, _) = try mboxIndex(text, label: "mboxcl2")
    let summary = try index.refresh(progress: nil)
    #expect(summary.skipped.isEmpty)
    #expect(try index.ids(["ann@fabrikam.example"]) == ["<next@t>", "<letter@t>"])
    let shown = try index.message(messageId: "<letter@t>").plainText
    #expect(shown.contains("From the minutes of Monday's meeting:\n- budget approved"))
  }

  /// Two real messages with their original `From ` lines, from the test corpus.
  @Test func theCorpusMessagesSavedAsOneMboxAreTwoMessages() throws {
    let dir = Fixtures.corpus.appendingPathComponent("email/cpython")
    var text = ""
    for name in ["msg_25.txt", "msg_43.txt"] {
      let message = try String(contentsOf: dir.appendingPathComponent(name), encoding: .utf8)
      text += message.hasSuffix("\n") ? message + "\n" : message + "\n\n"
    }
    let slices = Array(text.utf8).withUnsafeBytes { MboxLayout.slices($0) }
    #expect(slices.count == 2)
  }
}
