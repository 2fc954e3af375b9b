import Foundation
import IMAPClient
import Testing

/// The response framer and parser on byte-level fixtures, each also fed split at every
/// position (and one byte at a time), as TCP may deliver it.
@Suite struct ResponseParserTests {
  /// Frames and parses `stream` fed in the pieces `cuts` makes.
  func responses(_ stream: [UInt8], cuts: [Int] = [], limits: IMAPLimits = IMAPLimits())
    throws -> [IMAPResponse]
  {
    var framer = ResponseFramer(limits: limits)
    var out: [IMAPResponse] = []
    var start = 0
    for cut in cuts + [stream.count] {
      framer.append(stream[start..<cut])
      start = cut
      while let frame = try framer.next() { out.append(try ResponseParser.parse(frame)) }
    }
    #expect(framer.bufferedCount == 0)
    return out
  }

  /// The same responses whether the bytes come whole, split once anywhere, or one by one.
  func parsedEverySplit(_ text: String) throws -> [IMAPResponse] {
    try parsedEverySplit(Array(text.utf8))
  }

  func parsedEverySplit(_ bytes: [UInt8]) throws -> [IMAPResponse] {
    let whole = try responses(bytes)
    for k in 0...bytes.count {
      #expect(try responses(bytes, cuts: [k]) == whole, "split at \(k)")
    }
    #expect(try responses(bytes, cuts: Array(0..<bytes.count)) == whole)
    return whole
  }

  @Test func statusResponsesWithCodes() throws {
    let r = try parsedEverySplit(
      "* OK [UIDVALIDITY 3857529045] UIDs valid\r\n"
        + "* OK [PERMANENTFLAGS (\\Deleted \\Seen \\*)] Limited\r\n"
        + "A1 OK [READ-ONLY] EXAMINE completed\r\n"
        + "A2 NO [AUTHENTICATIONFAILED] Authentication failed.\r\n")
    #expect(r.count == 4)
    #expect(r[0].kind == .untagged && r[0].status == "OK" && r[0].codeName == "UIDVALIDITY")
    #expect(r[0].code?[1].uint32 == 3_857_529_045)
    #expect(r[0].text == "UIDs valid")
    #expect(r[1].code?[1] == .list([.atom("\\Deleted"), .atom("\\Seen"), .atom("\\*")]))
    #expect(r[2].kind == .tagged("A1") && r[2].codeName == "READ-ONLY")
    #expect(r[3].status == "NO" && r[3].text == "Authentication failed.")
  }

  @Test func dataResponsesQuotedStringsNILAndNestedLists() throws {
    let r = try parsedEverySplit(
      "* 23 EXISTS\r\n"
        + "* LIST (\\HasNoChildren \\Trash) \"/\" \"Deleted \\\"Items\\\"\"\r\n"
        + "* LIST (\\Noselect) NIL \"\"\r\n"
        + "* 1 FETCH (UID 7 ENVELOPE (\"date\" NIL ((NIL NIL \"ann\" \"x.example\")) NIL))\r\n"
        + "* SEARCH\r\n"
        + "* SEARCH 2 3 5\r\n")
    #expect(r[0].name == "EXISTS" && r[0].values.first?.uint32 == 23)
    #expect(r[1].name == "LIST")
    #expect(r[1].values[3] == .string(Array("Deleted \"Items\"".utf8)))
    #expect(r[2].values[2] == .null && r[2].values[3] == .string([]))
    let fetch = try #require(r[3].values[2].list)
    #expect(fetch[1].uint32 == 7)
    #expect(fetch[3] == .list([
      .string(Array("date".utf8)), .null,
      .list([.list([.null, .null, .string(Array("ann".utf8)), .string(Array("x.example".utf8))])]),
      .null,
    ]))
    #expect(r[4].name == "SEARCH" && r[4].values.count == 1)
    #expect(r[5].values.dropFirst().compactMap(\.uint32) == [2, 3, 5])
  }

  @Test func literalsMidResponseWithCRLFAnd8BitInside() throws {
    let header: [UInt8] = Array("Subject: caf".utf8) + [0xC3, 0xA9, 0xFF] + Array("\r\n\r\n".utf8)
    let stream: [UInt8] = Array("* 3 FETCH (UID 9 BODY[HEADER.FIELDS (SUBJECT DATE)] {\(header.count)}\r\n".utf8)
      + header + Array(" INTERNALDATE \"17-Jul-1996 02:44:25 -0700\")\r\nA5 OK done\r\n".utf8)
    let r = try parsedEverySplit(stream)
    #expect(r.count == 2)
    let items = try #require(r[0].values[2].list)
    #expect(items[2] == .atom("BODY[HEADER.FIELDS (SUBJECT DATE)]"))
    #expect(items[3] == .string(header))
    #expect(items[5].bytes.map { String(decoding: $0, as: UTF8.self) }
      == "17-Jul-1996 02:44:25 -0700")
  }

  @Test func aLiteralThatLooksLikeALineEndOrALiteralSize() throws {
    // A literal whose bytes end in "{5}\r\n" must not be taken for another literal.
    let inner = "x{5}\r\n"
    let r = try parsedEverySplit(
      "* 1 FETCH (BODY[] {\(inner.utf8.count)}\r\n\(inner) UID 4)\r\n* 2 FETCH (BODY[] {0}\r\n UID 5)\r\n")
    #expect(r.count == 2)
    #expect(r[0].values[2].list?[1] == .string(Array(inner.utf8)))
    #expect(r[0].values[2].list?[3].uint32 == 4)
    #expect(r[1].values[2].list?[1] == .string([]))
  }

  @Test func untaggedResponsesBetweenOthersAndContinuations() throws {
    let r = try parsedEverySplit(
      "+ Ready for literal data\r\n* 4 EXPUNGE\r\n+\r\nA7 OK [CAPABILITY IMAP4rev1 SASL-IR] Logged in\r\n")
    #expect(r.map(\.kind) == [.continuation, .untagged, .continuation, .tagged("A7")])
    #expect(r[0].text == "Ready for literal data")
    #expect(r[2].text == "")
    #expect(r[3].code?.compactMap(\.atom) == ["CAPABILITY", "IMAP4rev1", "SASL-IR"])
  }

  @Test func aBareLFEndsALine() throws {
    let r = try parsedEverySplit("* 2 EXISTS\nA1 OK done\n")
    #expect(r.count == 2 && r[1].status == "OK")
  }

  @Test func hostileSizesAreRefused() throws {
    let limits = IMAPLimits(maximumLiteral: 1000, maximumLineBytes: 200, maximumDepth: 8)
    #expect(throws: IMAPProtocolError.self) {
      try responses(Array("* 1 FETCH (BODY[] {1001}\r\n".utf8), limits: limits)
    }
    #expect(throws: IMAPProtocolError.self) {
      try responses(Array("* 1 FETCH (BODY[] {99999999999999999999999999}\r\n".utf8))
    }
    #expect(throws: IMAPProtocolError.self) {
      try responses(Array(("* SEARCH " + String(repeating: "1 ", count: 200)).utf8),
                    limits: limits)
    }
    let deep = "* X " + String(repeating: "(", count: 100) + String(repeating: ")", count: 100)
      + "\r\n"
    var framer = ResponseFramer()
    framer.append(Array(deep.utf8))
    let frame = try #require(try framer.next())
    #expect(throws: IMAPProtocolError.self) {
      try ResponseParser.parse(frame, limits: limits)
    }
  }

  @Test func malformedResponsesThrowRatherThanTrap() throws {
    for text in ["* 1 FETCH (UID 1\r\n", "* LIST (\\X) \"/\" \"unterminated\r\n", "A1 MAYBE\r\n",
                 "* 1 FETCH (BODY[] {5}\r\nab)\r\n", ")\r\n", "* X )\r\n", "\r\n",
                 "* 1 FETCH (BODY[HEADER {3}\r\n"] {
      var framer = ResponseFramer()
      framer.append(Array(text.utf8))
      guard let frame = try? framer.next() else { continue }
      #expect(throws: IMAPProtocolError.self, "\(text)") { try ResponseParser.parse(frame) }
    }
  }

  @Test func randomBytesNeverTrap() throws {
    var generator = SystemRandomNumberGenerator()
    let alphabet = Array("* (){}[]\"\\~0123456789 \r\nABC+".utf8) + [0x00, 0xFF]
    for _ in 0..<2000 {
      let count = Int.random(in: 0..<80, using: &generator)
      let bytes = (0..<count).map { _ in alphabet.randomElement(using: &generator)! }
      var framer = ResponseFramer(limits: IMAPLimits(maximumLiteral: 64, maximumLineBytes: 256))
      framer.append(bytes)
      while let frame = try? framer.next() { _ = try? ResponseParser.parse(frame) }
    }
  }

  @Test func sequenceSetsAndDates() {
    #expect(IMAPSequenceSet.format([5, 1, 2, 3, 9, 10, 7]) == "1:3,5,7,9:10")
    #expect(IMAPSequenceSet.parse("1:3,5,9:7") == [1, 2, 3, 5, 7, 8, 9])
    #expect(IMAPSequenceSet.parse("1:4294967295") == nil)
    #expect(IMAPSequenceSet.parse("1:*") == nil)
    #expect(IMAPDate.parse(Array(" 7-Jul-1996 02:44:25 -0700".utf8))
      == Date(timeIntervalSince1970: 836_732_665))
    #expect(IMAPDate.parse(Array("32-Jul-1996 02:44:25 -0700".utf8)) == nil)
  }
}
