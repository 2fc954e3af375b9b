import Foundation
import Testing
@testable import MailFormats

@Suite struct MessageIDsTests {
  @Test func idKeepsItsAngleBrackets() {
    #expect(MessageIDs.parseFirst("<abc@example.com>") == "<abc@example.com>")
  }

  @Test func missingBracketsAreAdded() {
    #expect(MessageIDs.parseFirst("  abc@example.com ") == "<abc@example.com>")
  }

  @Test func commentsAndInnerWhitespaceAreDropped() {
    #expect(MessageIDs.parseFirst("(note) < abc @ example.com > (x)") == "<abc@example.com>")
  }

  @Test func missingOrEmptyIdGivesNil() {
    #expect(MessageIDs.parseFirst("") == nil)
    #expect(MessageIDs.parseFirst("<>") == nil)
    #expect(MessageIDs.parseFirst("(only a comment)") == nil)
  }

  @Test func referencesListEveryIdInOrder() {
    #expect(MessageIDs.parseList("<a@x> <b@x>\t<c@x>") == ["<a@x>", "<b@x>", "<c@x>"])
    #expect(MessageIDs.parseList("<a@x>,<b@x>") == ["<a@x>", "<b@x>"])
  }

  @Test func inReplyToPhraseIsIgnoredWhenBracketedIdsExist() {
    #expect(MessageIDs.parseList("<a@x> (Ann's message of Mon, 1 Jan)") == ["<a@x>"])
    #expect(MessageIDs.parseList("Your message of Monday <a@x>") == ["<a@x>"])
  }

  @Test func bareIdsWithAtAreTakenWhenNoneIsBracketed() {
    #expect(MessageIDs.parseList("a@x b@y some words") == ["<a@x>", "<b@y>"])
  }

  @Test func messageIdHeaderWithoutBracketsIsRepairedInMessageHeaders() {
    let h = MessageHeaders.parse(Data("Message-Id: abc@example.com (home)\n\n".utf8))
    #expect(h.messageId == "<abc@example.com>")
  }
}
