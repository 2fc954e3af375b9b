import CaptureCore
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

  @Test func recordRefParsesTypeAndId() {
    #expect(RecordRef(parsing: "account:a-fab") == RecordRef(type: .account, id: "a-fab"))
    #expect(RecordRef(parsing: "project:p-1")?.type == .custom("project"))
    #expect(RecordRef(parsing: "case:k:1")?.id == "k:1")
    #expect(RecordRef(parsing: "account") == nil)
    #expect(RecordRef(parsing: ":x") == nil)
  }
}
