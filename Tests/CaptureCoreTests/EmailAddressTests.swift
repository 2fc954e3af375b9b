@testable import CaptureCore
import Testing

@Suite struct EmailAddressTests {
  @Test func normalizesWhitespaceMailtoAndCase() throws {
    #expect(try EmailAddress("  MAILTO:Ann@Fabrikam.Example ").value == "ann@fabrikam.example")
    #expect(try EmailAddress("mailto:bo@x.example").value == "bo@x.example")
  }

  @Test func rejectsInvalidInputWithAReason() {
    #expect(throws: EmailAddressError.missingAt("ann.fabrikam.example")) {
      try EmailAddress("ann.fabrikam.example")
    }
    #expect(throws: EmailAddressError.emptyLocalPart("@x.example")) { try EmailAddress("@x.example") }
    #expect(throws: EmailAddressError.emptyDomain("ann@")) { try EmailAddress("ann@") }
    #expect(throws: EmailAddressError.containsWhitespace("ann lee@x.example")) {
      try EmailAddress("ann lee@x.example")
    }
    #expect(throws: EmailAddressError.empty) { try EmailAddress("   ") }
  }

  @Test func equalAddressesDifferOnlyInCase() throws {
    #expect(try EmailAddress("A@B.example") == EmailAddress("a@b.EXAMPLE"))
  }

  /// RFC 5890: a domain written in Unicode and its ASCII form (`xn--`) are one domain,
  /// kept in the Unicode form people read.
  @Test func anInternationalDomainIsOneAddressInEitherForm() throws {
    let unicode = try EmailAddress("anna@müller.de")
    #expect(try EmailAddress("anna@xn--mller-kva.de") == unicode)
    #expect(try EmailAddress("Anna@XN--MLLER-KVA.DE") == unicode)
    #expect(try EmailAddress("anna@MÜLLER.de") == unicode)
    #expect(try EmailAddress("anna@mu\u{0308}ller.de") == unicode, "decomposed ü (NFD)")
    #expect(unicode.value == "anna@müller.de")
    #expect(try EmailAddress("info@xn--wgv71a119e.jp").value == "info@日本語.jp")
    #expect(try EmailAddress("x@mail.xn--bcher-kva.example").value == "x@mail.bücher.example")
    // The local part is not a domain: it is only lowercased.
    #expect(try EmailAddress("xn--mller-kva@example.com").value == "xn--mller-kva@example.com")
  }

  @Test func aLabelThatIsNotPunycodeIsLeftAsItIs() throws {
    #expect(try EmailAddress("a@xn--.example").value == "a@xn--.example")
    #expect(try EmailAddress("a@xn--99999999999999999999.example").value
      == "a@xn--99999999999999999999.example")
    #expect(try EmailAddress("a@xn--a-.example").value == "a@xn--a-.example")
  }

  @Test func punycodeDecodesTheRFC3492Samples() {
    #expect(Punycode.decode("egbpdaj6bu4bxfgehfvwxn") == "ليهمابتكلموشعربي؟")
    #expect(Punycode.decode("ihqwcrb4cv8a8dqg056pqjye") == "他们为什么不说中文")
    #expect(Punycode.decode("3B-ww4c5e180e575a65lsy2b") == "3年B組金八先生")
  }

  @Test func recordRefParsesTypeAndId() {
    #expect(RecordRef(parsing: "account:a-fab") == RecordRef(type: .account, id: "a-fab"))
    #expect(RecordRef(parsing: "project:p-1")?.type == .custom("project"))
    #expect(RecordRef(parsing: "case:k:1")?.id == "k:1")
    #expect(RecordRef(parsing: "account") == nil)
    #expect(RecordRef(parsing: ":x") == nil)
  }
}
