import Testing
@testable import MailFormats

@Suite struct AddressListTests {
  func parse(_ s: String) -> [MailboxAddress] { AddressList.parse(s) }
  func mailbox(_ name: String?, _ address: String) -> MailboxAddress {
    MailboxAddress(displayName: name, address: address)
  }

  @Test func nameAndAngleAddress() {
    #expect(parse("Ann Lee <ann@example.com>") == [mailbox("Ann Lee", "ann@example.com")])
  }

  @Test func bareAddressesSeparatedByCommas() {
    #expect(parse("a@example.com, b@example.com") == [
      mailbox(nil, "a@example.com"), mailbox(nil, "b@example.com"),
    ])
  }

  @Test func quotedDisplayNameMayHoldCommasAndEscapedQuotes() {
    #expect(parse(#""Lee, Ann \"AL\"" <ann@example.com>, bob@example.com"#) == [
      mailbox(#"Lee, Ann "AL""#, "ann@example.com"), mailbox(nil, "bob@example.com"),
    ])
  }

  @Test func nestedCommentsAreSkipped() {
    #expect(parse("Ann (the (real) one) <ann@example.com> (work)")
      == [mailbox("Ann", "ann@example.com")])
  }

  @Test func trailingCommentNamesABareAddress() {
    #expect(parse("ann@example.com (Ann Lee)") == [mailbox("Ann Lee", "ann@example.com")])
  }

  @Test func groupGivesItsMembers() {
    #expect(parse("Team: a@example.com, Bo <b@example.com>;, c@example.com") == [
      mailbox(nil, "a@example.com"), mailbox("Bo", "b@example.com"),
      mailbox(nil, "c@example.com"),
    ])
  }

  @Test func emptyGroupGivesNoAddress() {
    #expect(parse("undisclosed-recipients:;").isEmpty)
  }

  @Test func obsoleteRouteIsDropped() {
    #expect(parse("Ann <@relay1.example,@relay2.example:ann@example.com>")
      == [mailbox("Ann", "ann@example.com")])
  }

  @Test func quotedLocalPartIsKeptAsWritten() {
    #expect(parse(#""john doe"@example.com"#) == [mailbox(nil, #""john doe"@example.com"#)])
    #expect(parse(#"John <"john doe"@example.com>"#)
      == [mailbox("John", #""john doe"@example.com"#)])
  }

  @Test func missingClosingBracketEndsTheAddressAtTheComma() {
    #expect(parse("Ann <ann@example.com, bob@example.com") == [
      mailbox("Ann", "ann@example.com"), mailbox(nil, "bob@example.com"),
    ])
    #expect(parse("Ann <ann@example.com") == [mailbox("Ann", "ann@example.com")])
  }

  @Test func addressesKeepTheirCase() {
    #expect(parse("Ann.Lee@Example.COM") == [mailbox(nil, "Ann.Lee@Example.COM")])
  }

  @Test func encodedWordsInDisplayNamesAreDecodedEvenInsideQuotes() {
    #expect(parse("=?utf-8?q?Ren=C3=A9e?= <r@example.com>") == [mailbox("Renée", "r@example.com")])
    #expect(parse(#""=?iso-8859-1?q?Ren=E9e_D.?=" <r@example.com>"#)
      == [mailbox("Renée D.", "r@example.com")])
  }

  @Test func encodedWordWithARawCommaOrColonIsOneDisplayName() {
    // Against RFC 2047 5(3), but some mailers write `,` and `:` unencoded in Q words.
    #expect(parse("=?UTF-8?Q?M=C3=BCller,_J=C3=BCrgen?= <jm@example.de>, bob@example.com") == [
      mailbox("Müller, Jürgen", "jm@example.de"), mailbox(nil, "bob@example.com"),
    ])
    #expect(parse("=?utf-8?Q?Sales:_Ann?= <ann@example.com>")
      == [mailbox("Sales: Ann", "ann@example.com")])
  }

  @Test func unclosedAngleAddressEndsAtTheCommaBeforeTheNextAngleAddress() {
    #expect(parse("Ann <ann@example.com, Bob <bob@example.com>") == [
      mailbox("Ann", "ann@example.com"), mailbox("Bob", "bob@example.com"),
    ])
  }

  @Test func bareAddressesSeparatedOnlyBySpacesAreAllKept() {
    // Scripts calling mail(1) write recipient lists without commas.
    #expect(parse("ann@example.com bob@example.com") == [
      mailbox(nil, "ann@example.com"), mailbox(nil, "bob@example.com"),
    ])
  }

  @Test func rawUTF8DisplayNameIsAccepted() {
    #expect(parse("Jürgen Groß <jg@example.de>") == [mailbox("Jürgen Groß", "jg@example.de")])
  }

  @Test func obsoleteSpacesAroundDotsAndAtAreRemoved() {
    #expect(parse("ann . lee @ example.com") == [mailbox(nil, "ann.lee@example.com")])
  }

  @Test func phraseWithoutAddressAndEmptyEntriesGiveNothing() {
    #expect(parse("Ann Lee").isEmpty)
    #expect(parse(",, ,").isEmpty)
    #expect(parse("MAILER DAEMON <>").isEmpty)
  }

  @Test func strayClosingCharactersAreSkipped() {
    #expect(parse(") a@example.com > )") == [mailbox(nil, "a@example.com")])
  }

  @Test func angleAddressWithoutAtIsKeptForTheCallerToJudge() {
    #expect(parse("<postmaster>") == [mailbox(nil, "postmaster")])
  }
}
