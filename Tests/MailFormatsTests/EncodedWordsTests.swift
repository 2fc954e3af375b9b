import Foundation
import Testing
@testable import MailFormats

@Suite struct EncodedWordsTests {
  @Test func base64WordInUTF8IsDecoded() {
    #expect(EncodedWords.decode("=?UTF-8?B?w5xuw69jw7Zkw6kgY2Fmw6k=?=") == "Ünïcödé café")
  }

  @Test func qWordTurnsUnderscoresIntoSpacesAndHexIntoBytes() {
    #expect(EncodedWords.decode("=?utf-8?q?caf=C3=A9_au_lait?=") == "café au lait")
  }

  @Test func lowercaseHexInQWordIsAccepted() {
    #expect(EncodedWords.decode("=?utf-8?Q?caf=c3=a9?=") == "café")
  }

  @Test func latin2WordIsDecodedWithItsOwnTable() {
    #expect(EncodedWords.decode("=?iso-8859-2?q?=A3=F3d=BC?=") == "Łódź")
  }

  @Test func latin9WordHasTheEuroSign() {
    #expect(EncodedWords.decode("=?ISO-8859-15?Q?=A4100?=") == "€100")
  }

  @Test func windows1252WordHasCurlyQuotesAndEuro() {
    #expect(EncodedWords.decode("=?windows-1252?Q?=93Hi=94_=80?=") == "“Hi” €")
  }

  @Test func greekAndCyrillicSingleByteCharsetsAreDecoded() {
    #expect(EncodedWords.decode("=?iso-8859-7?Q?=C5=EB=EB=DC=E4=E1?=") == "Ελλάδα")
    #expect(EncodedWords.decode("=?koi8-r?Q?=F0=D2=C9=D7=C5=D4?=") == "Привет")
  }

  @Test func japaneseCharsetsGoThroughFoundation() {
    #expect(EncodedWords.decode("=?ISO-2022-JP?B?GyRCRnxLXDhsGyhC?=") == "日本語")
    #expect(EncodedWords.decode("=?shift_jis?B?k/qWe4zq?=") == "日本語")
  }

  @Test func chineseCharsetsAreDecodedAsTheirGB18030AndBig5Supersets() {
    // 你好 in GB2312 (also valid GBK and GB18030), 中文 in Big5.
    #expect(EncodedWords.decode("=?gb2312?B?xOO6ww==?=") == "你好")
    #expect(EncodedWords.decode("=?GBK?B?xOO6ww==?=") == "你好")
    #expect(EncodedWords.decode("=?gb18030?B?xOO6ww==?=") == "你好")
    #expect(EncodedWords.decode("=?big5?B?pKSk5Q==?=") == "中文")
  }

  @Test func koreanCharsetsAreDecoded() {
    // 거말 in EUC-KR; Outlook labels the same bytes ks_c_5601-1987.
    #expect(EncodedWords.decode("=?euc-kr?B?sMW4uw==?=") == "거말")
    #expect(EncodedWords.decode("=?ks_c_5601-1987?B?sMW4uw==?=") == "거말")
  }

  @Test func thaiCharsetsAreDecoded() {
    // ภก in TIS-620; Windows-874 adds punctuation such as the en dash at 0x96.
    #expect(EncodedWords.decode("=?TIS-620?Q?=C0=A1?=") == "ภก")
    #expect(EncodedWords.decode("=?windows-874?Q?=C0=A1=96?=") == "ภก–")
  }

  @Test func latin1AliasesAreUnderstood() {
    #expect(EncodedWords.decode("=?latin1?Q?na=EFve?=") == "naïve")
    #expect(EncodedWords.decode("=?ISO8859-1?Q?na=EFve?=") == "naïve")
  }

  @Test func adjacentEncodedWordsAreJoinedWithoutTheWhitespaceBetween() {
    #expect(EncodedWords.decode("=?utf-8?q?Hello_?=  \t =?utf-8?q?World?=") == "Hello World")
    #expect(EncodedWords.decode("=?utf-8?q?a?= =?iso-8859-1?q?b?=") == "ab")
  }

  @Test func whitespaceBetweenEncodedWordAndPlainTextIsKept() {
    #expect(EncodedWords.decode("Re: =?utf-8?q?caf=C3=A9?= menu") == "Re: café menu")
  }

  @Test func characterSplitAcrossTwoBase64WordsSurvives() {
    #expect(EncodedWords.decode("=?UTF-8?B?5pel5g==?= =?UTF-8?B?nKzoqp4=?=") == "日本語")
  }

  @Test func languageTagInCharsetIsIgnored() {
    #expect(EncodedWords.decode("=?utf-8*en?q?hello?=") == "hello")
  }

  @Test func malformedEncodedWordsAreLeftAsWritten() {
    for text in ["=?utf-8?x?abc?=", "=?utf-8?q?no end", "=??q?abc?=", "=?utf-8?q?a b?=", "a =? b"] {
      #expect(EncodedWords.decode(text) == text)
    }
  }

  @Test func rawUTF8HeaderTextIsAccepted() {
    #expect(EncodedWords.decode("Grüße aus Köln") == "Grüße aus Köln")
  }

  @Test func invalidUTF8IsReadAsLatin1() {
    let bytes: [UInt8] = Array("caf".utf8) + [0xE9]
    let decoded = bytes.withUnsafeBufferPointer { EncodedWords.decode($0) }
    #expect(decoded == "café")
  }

  @Test func latin1LabelledWordReadsWindowsPunctuationInTheC1Range() {
    // Outlook labels Windows-1252 text iso-8859-1; 0x92 is its apostrophe, never a C1 control.
    #expect(EncodedWords.decode("=?iso-8859-1?Q?It=92s_=93done=94?=") == "It’s “done”")
  }

  @Test func rawEightBitHeaderTextReadsWindowsPunctuationInTheC1Range() {
    let bytes: [UInt8] = Array("It".utf8) + [0x92] + Array("s caf".utf8) + [0xE9]
    let decoded = bytes.withUnsafeBufferPointer { EncodedWords.decode($0) }
    #expect(decoded == "It’s café")
  }

  @Test func latin1BytesThatWindows1252LeavesUndefinedKeepTheirCodePoints() {
    #expect(Charsets.decode([0x61, 0x81, 0x9D], charset: "iso-8859-1") == "a\u{81}\u{9D}")
  }

  @Test func rawHeaderMixingUTF8AndLatin1KeepsEachPartReadable() {
    // A UTF-8 subject behind a list tag some gateway wrote in Latin-1.
    let bytes: [UInt8] = Array("[B".utf8) + [0xFC] + Array("cher] Gr".utf8) + [0xC3, 0xBC]
      + Array("\u{DF}e".utf8)
    let decoded = bytes.withUnsafeBufferPointer { EncodedWords.decode($0) }
    #expect(decoded == "[Bücher] Grüße")
  }

  @Test func unknownCharsetFallsBackToUTF8() {
    #expect(EncodedWords.decode("=?x-unknown?q?caf=C3=A9?=") == "café")
  }

  @Test func encodingSplitsLongTextIntoWordsOfAtMost75Characters() {
    let text = String(repeating: "Zürich café ", count: 20)
    for encoding: Character in ["B", "Q"] {
      let encoded = EncodedWords.encode(text, encoding: encoding)
      let words = encoded.split(separator: " ")
      #expect(words.count > 1)
      #expect(words.allSatisfy { $0.count <= 75 })
      #expect(EncodedWords.decode(encoded) == text)
    }
  }
}
