import Testing
@testable import MailFormats

@Suite struct MIMEParametersTests {
  @Test func mediaTypeIsLowercasedAndParametersUnquoted() {
    let v = MIMEHeaderValue.parse(#"Text/Plain; Charset="UTF-8"; format=flowed"#)
    #expect(v.value == "text/plain")
    #expect(v.parameters == ["charset": "UTF-8", "format": "flowed"])
  }

  @Test func quotedValuesMayHoldSemicolonsAndEscapes() {
    let params = MIME.contentTypeParameters(#"attachment; filename="a;b \"c\".txt""#)
    #expect(params["filename"] == #"a;b "c".txt"#)
  }

  @Test func commentsAndSpacesAroundParametersAreIgnored() {
    let v = MIMEHeaderValue.parse("text/plain (plain text) ; charset = us-ascii (ASCII) ;")
    #expect(v.value == "text/plain")
    #expect(v.parameters == ["charset": "us-ascii"])
  }

  @Test func foldedBoundaryParameterIsRead() {
    let v = MIMEHeaderValue.parse("multipart/mixed;\tboundary=\"----=_Part_1\"")
    #expect(v.parameters["boundary"] == "----=_Part_1")
  }

  @Test func rfc2231ExtendedValueIsPercentDecodedInItsCharset() {
    let params = MIME.contentTypeParameters("attachment; filename*=utf-8''na%C3%AFve%20plan.pdf")
    #expect(params["filename"] == "naïve plan.pdf")
    let latin1 = MIME.contentTypeParameters("attachment; filename*=iso-8859-1'fr'caf%E9.txt")
    #expect(latin1["filename"] == "café.txt")
  }

  @Test func rfc2231ContinuationsAreJoinedInSectionOrder() {
    let value = """
      attachment; filename*1="-report"; filename*0*=utf-8''Quartals%C3%BCbersicht; \
      filename*2=".xlsx"
      """
    #expect(MIME.contentTypeParameters(value)["filename"] == "Quartalsübersicht-report.xlsx")
  }

  @Test func extendedValueWinsOverThePlainOne() {
    let params = MIME.contentTypeParameters(
      #"attachment; filename="fallback.txt"; filename*=utf-8''r%C3%A9el.txt"#)
    #expect(params["filename"] == "réel.txt")
  }

  @Test func mediaTypeNeedsTypeAndSubtype() {
    #expect(MIME.mediaType("text/html; charset=utf-8") == "text/html")
    #expect(MIME.mediaType("text") == nil)
    #expect(MIME.mediaType("/html") == nil)
  }

  @Test func junkParametersAreSkipped() {
    let params = MIME.contentTypeParameters("text/plain; ; =x; junk; charset=utf-8")
    #expect(params == ["charset": "utf-8"])
  }
}

@Suite struct TransferEncodingTests {
  func text(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }

  @Test func base64IgnoresLineBreaksAndJunk() {
    #expect(text(TransferEncoding.decodeBase64(Array("SGVs\r\nbG8s!! IHdv\ncmxk".utf8)))
      == "Hello, world")
  }

  @Test func base64WithoutPaddingGivesTheWholeBytes() {
    #expect(text(TransferEncoding.decodeBase64(Array("SGk".utf8))) == "Hi")
    #expect(text(TransferEncoding.decodeBase64(Array("SGk=".utf8))) == "Hi")
  }

  @Test func base64PaddingInsideTheDataEndsAGroupWithoutShiftingTheRest() {
    // Mailers that encode each line on its own pad mid-stream: "Hi" + " there" + "!".
    let lines = "SGk=\r\nIHRoZXJl\r\nIQ==\r\n"
    #expect(text(TransferEncoding.decodeBase64(Array(lines.utf8))) == "Hi there!")
  }

  @Test func quotedPrintableSoftBreaksJoinLines() {
    let qp = "This is a long line that was =\r\nbroken, and this one=\n too.=  \r\nEnd"
    #expect(text(TransferEncoding.decodeQuotedPrintable(Array(qp.utf8)))
      == "This is a long line that was broken, and this one too.End")
  }

  @Test func quotedPrintableHexIsDecodedInEitherCase() {
    #expect(text(TransferEncoding.decodeQuotedPrintable(Array("caf=C3=A9 caf=c3=a9".utf8)))
      == "café café")
  }

  @Test func quotedPrintableKeepsALoneEqualsSignAndDropsTrailingSpace() {
    #expect(text(TransferEncoding.decodeQuotedPrintable(Array("a = b=ZZ   \nc".utf8)))
      == "a = b=ZZ\nc")
  }

  @Test func identityEncodingsLeaveBytesAlone() {
    let bytes: [UInt8] = [0x00, 0xFF, 0x3D, 0x41]
    for name in ["7bit", "8bit", "binary", "x-unknown", nil] {
      #expect(TransferEncoding.decode(bytes, encoding: name) == bytes)
    }
    #expect(TransferEncoding.decode(Array("QQ==".utf8), encoding: " Base64 ") == [0x41])
  }
}
