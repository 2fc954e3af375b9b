import IMAPClient
import IMAPMailbox
import Testing

@Suite struct IMAPAccountTests {
  @Test func urlsNameTheAccount() throws {
    let a = try IMAPAccount.parse("imaps://dana%40contoso.example@IMAP.Fastmail.com")
    #expect(a.user == "dana@contoso.example" && a.host == "imap.fastmail.com" && a.port == 993)
    #expect(a.security == .tls)
    #expect(a.id == "imaps://dana%40contoso.example@imap.fastmail.com:993")
    #expect(a.name == "dana@contoso.example@imap.fastmail.com")
    let b = try IMAPAccount.parse("imap://dana@127.0.0.1:1143/")
    #expect(b.security == .startTLS && b.port == 1143)
    #expect(try IMAPAccount.parse("imap://dana@[::1]").host == "::1")
  }

  @Test func malformedURLsAndPasswordsInThemAreRefused() {
    for bad in ["https://dana@x", "imaps://x.example", "imaps://dana:secret@x.example",
                "imaps://dana@x/INBOX", "imaps://dana@", "dana@x.example"] {
      #expect(throws: IMAPAccountError.self, "\(bad)") { try IMAPAccount.parse(bad) }
    }
  }

  @Test func loopback() {
    #expect(IMAPConnection.isLoopback("localhost") && IMAPConnection.isLoopback("127.0.0.2"))
    #expect(IMAPConnection.isLoopback("::1"))
    #expect(!IMAPConnection.isLoopback("127.0.0.1.example") && !IMAPConnection.isLoopback("10.0.0.1"))
  }
}
