import Foundation
import PropertyBased
import Testing
import MailFormats

/// Modified UTF-7 in IMAP mailbox names (RFC 3501 5.1.3).
@Suite struct IMAPMailboxNameTests {
  @Test func imapMailboxNamesAreDecoded() {
    #expect(IMAPMailboxName.decode("~peter/mail/&U,BTFw-/&ZeVnLIqe-") == "~peter/mail/台北/日本語")
    #expect(IMAPMailboxName.decode("Objets envoy&AOk-s") == "Objets envoyés")
    #expect(IMAPMailboxName.decode("Tom &- Jerry") == "Tom & Jerry")
    #expect(IMAPMailboxName.decode("INBOX.&BB8EQAQ4BDIENQRC-") == "INBOX.Привет")
    #expect(IMAPMailboxName.decode("&2D3eAA-") == "\u{1F600}")
  }

  @Test func imapMailboxNamesAreEncoded() {
    #expect(IMAPMailboxName.encode("~peter/mail/台北/日本語") == "~peter/mail/&U,BTFw-/&ZeVnLIqe-")
    #expect(IMAPMailboxName.encode("Objets envoyés") == "Objets envoy&AOk-s")
    #expect(IMAPMailboxName.encode("Tom & Jerry") == "Tom &- Jerry")
    #expect(IMAPMailboxName.encode("\u{1F600}") == "&2D3eAA-")
    #expect(IMAPMailboxName.encode("INBOX") == "INBOX")
  }

  @Test func malformedIMAPMailboxNamesKeepWhatIsValidAndMarkTheRest() {
    // The closing `-` is required in IMAP.
    #expect(IMAPMailboxName.decode("&U,BTFw") == "台北\u{FFFD}")
    #expect(IMAPMailboxName.decode("a&U,BTFw/b") == "a台北\u{FFFD}/b")
    // `/` is not the IMAP alphabet's (`,` is), and `&` alone starts nothing.
    #expect(IMAPMailboxName.decode("&U/BTFw-") == "\u{FFFD}/BTFw-")
    #expect(IMAPMailboxName.decode("a&") == "a\u{FFFD}")
    // Characters that modified UTF-7 never holds as themselves.
    #expect(IMAPMailboxName.decode("Entwürfe") == "Entw\u{FFFD}rfe")
    #expect(IMAPMailboxName.decode("a\tb") == "a\u{FFFD}b")
    // A lone surrogate.
    #expect(IMAPMailboxName.decode("&2D0-") == "\u{FFFD}")
  }

  @Test func imapEncodingRoundTrips() async {
    let gen = Gen.int(in: 0...7).array(of: 0...40)
    let pieces = ["a", "&", "-", ",", "/", "é", "台", "\u{1F600}"]
    await propertyCheck(count: 300, input: gen) { picks in
      let name = picks.map { pieces[$0] }.joined()
      let encoded = IMAPMailboxName.encode(name)
      #expect(encoded.unicodeScalars.allSatisfy { $0.value >= 0x20 && $0.value <= 0x7E })
      #expect(IMAPMailboxName.decode(encoded) == name)
    }
  }

  @Test func longDamagedNameIsDecodedInOnePass() {
    let damaged = String(repeating: "&A+", count: 100_000)
    let elapsed = ContinuousClock().measure {
      #expect(IMAPMailboxName.decode(damaged).unicodeScalars.count == 100_000)
    }
    #expect(elapsed < .seconds(5))
  }

  @Test func arbitraryTextNeverTraps() async {
    let gen = Gen<UInt8>.value(in: 0...255).array(of: 0...200)
    await propertyCheck(count: 300, input: gen) { bytes in
      _ = IMAPMailboxName.decode(String(decoding: bytes, as: UTF8.self))
    }
  }
}
