import CaptureCore
import Foundation
import TestSupport
import Testing

@testable import Mailbox

/// The private index keeps the ids of In-Reply-To and References (schema 7), bounded, so a
/// reply is found from the Message-ID of the mail it answers.
@Suite struct ReplyReferencesTests {
  static func reply(_ id: String, date: String, inReplyTo: String?, references: String?,
                    from: String = "Cole <cole@partner.example>") -> String {
    var text = mailText(id: id, date: date, from: from, subject: "Re: Quote")
    var extra = ""
    if let inReplyTo { extra += "In-Reply-To: \(inReplyTo)\n" }
    if let references { extra += "References: \(references)\n" }
    text = extra + text
    return text
  }

  @Test func repliesAreFoundByTheMessageIdTheyNameNewestFirst() throws {
    let tree = try MailTree("replies")
    try tree.write(mailText(id: "<quote@contoso.example>"), name: "1.M1P1.host:2,S")
    try tree.write(Self.reply("<r1@partner.example>", date: "Wed, 19 Apr 2023 10:00:00 +0000",
                              inReplyTo: "<quote@contoso.example>", references: nil),
                   name: "2.M2P2.host:2,S")
    try tree.write(Self.reply("<r2@partner.example>", date: "Thu, 20 Apr 2023 10:00:00 +0000",
                              inReplyTo: "<r1@partner.example> (Cole's message)",
                              references: "<quote@contoso.example>\n <r1@partner.example>"),
                   folder: ".Sent", name: "3.M3P3.host:2,S")
    try tree.write(Self.reply("<other@partner.example>", date: "Fri, 21 Apr 2023 10:00:00 +0000",
                              inReplyTo: "<unrelated@x.example>", references: nil),
                   name: "4.M4P4.host:2,S")
    let index = try tree.open()
    try index.refresh()
    let replies = try index.replies(to: ["<quote@contoso.example>"], limit: 50)
    #expect(replies.map(\.messageId) == ["<r2@partner.example>", "<r1@partner.example>"])
    // In-Reply-To first, then References from the nearest ancestor back.
    #expect(replies.first?.references == ["<r1@partner.example>", "<quote@contoso.example>"])
    #expect(try index.replies(to: ["<quote@contoso.example>"], limit: 1).map(\.messageId)
      == ["<r2@partner.example>"])
    #expect(try index.replies(to: ["<nothing@x.example>"], limit: 50).isEmpty)
    #expect(try index.newestReplies(limit: 2).map(\.messageId)
      == ["<other@partner.example>", "<r2@partner.example>"])
    #expect(try index.indexedMessage(messageId: "<r1@partner.example>")?.references
      == ["<quote@contoso.example>"])
    #expect(try index.indexedMessage(messageId: "<quote@contoso.example>")?.references == [])
  }

  @Test func aRemovedReplyLeavesTheIndex() throws {
    let tree = try MailTree("replies-removed")
    let file = try tree.write(
      Self.reply("<r1@partner.example>", date: "Wed, 19 Apr 2023 10:00:00 +0000",
                 inReplyTo: "<quote@contoso.example>", references: nil),
      name: "2.M2P2.host:2,S")
    let index = try tree.open()
    try index.refresh()
    #expect(try index.replies(to: ["<quote@contoso.example>"], limit: 50).count == 1)
    try FileManager.default.removeItem(at: file)
    try index.refresh()
    #expect(try index.replies(to: ["<quote@contoso.example>"], limit: 50).isEmpty)
    #expect(try index.newestReplies(limit: 50).isEmpty)
  }

  @Test func aHostileReferencesHeaderIsKeptBounded() throws {
    let tree = try MailTree("replies-hostile")
    let many = (0..<5000).map { "<id\($0)@spam.example>" }.joined(separator: " ")
    let long = "<" + String(repeating: "x", count: 400) + "@spam.example>"
    try tree.write(Self.reply("<r1@partner.example>", date: "Wed, 19 Apr 2023 10:00:00 +0000",
                              inReplyTo: long, references: "<quote@contoso.example> " + many),
                   name: "2.M2P2.host:2,S")
    let index = try tree.open()
    try index.refresh()
    let kept = try #require(try index.indexedMessage(messageId: "<r1@partner.example>"))
      .references
    #expect(kept.count == MessageReferences.maximumCount)
    #expect(kept.first == "<id4999@spam.example>")
    #expect(!kept.contains(long))
    // The thread's root is in the middle a hostile list pushed out: not a reply to it.
    #expect(try index.replies(to: ["<quote@contoso.example>"], limit: 50).isEmpty)
    #expect(try index.replies(to: ["<id4990@spam.example>"], limit: 50).count == 1)
  }
}
