import Foundation
import PropertyBased
import Testing
@testable import MailFormats

/// UTF-7 as a message charset (RFC 2152).
@Suite struct UTF7Tests {
  func utf7(_ text: String) -> String { Charsets.decode(Array(text.utf8), charset: "UTF-7") }

  @Test func rfc2152ExamplesAreDecoded() {
    #expect(utf7("Hi Mom -+Jjo--!") == "Hi Mom -\u{263A}-!")
    #expect(utf7("A+ImIDkQ.") == "A\u{2262}\u{0391}.")
    #expect(utf7("+ZeVnLIqe-") == "日本語")
    #expect(utf7("Item 3 is +AKM-1.") == "Item 3 is £1.")
  }

  @Test func plusMinusIsAPlusAndTheEndOfTheTextEndsAShift() {
    #expect(utf7("1 +- 1 = 2") == "1 + 1 = 2")
    #expect(utf7("price: +AKM") == "price: £")
  }

  @Test func surrogatePairsBecomeOneCharacter() {
    #expect(utf7("smile +2D3eAA-") == "smile \u{1F600}")
  }

  @Test func charsetLabelsAreUnderstood() {
    for label in ["utf-7", "UTF7", "unicode-1-1-utf-7", "UNICODE-1-1-UTF-7"] {
      #expect(Charsets.decode(Array("+AKM-".utf8), charset: label) == "£", "\(label)")
      #expect(Charsets.isKnown(label), "\(label)")
    }
  }

  @Test func encodedWordsInUTF7AreDecoded() {
    #expect(EncodedWords.decode("=?utf-7?Q?Hi_Mom_-+Jjo--!?=") == "Hi Mom -\u{263A}-!")
    // `+ZeVnLIqe-` in base64.
    #expect(EncodedWords.decode("=?UNICODE-1-1-UTF-7?B?K1plVm5MSXFlLQ==?=") == "日本語")
  }

  @Test func bodyLabelledUTF7IsDecoded() {
    let body = MessageBody.extract(from: Data(
      "Content-Type: text/plain; charset=utf-7\n\nItem 3 is +AKM-1.\n".utf8))
    #expect(body.text == "Item 3 is £1.")
  }

  @Test func malformedUTF7KeepsWhatIsValidAndMarksTheRest() {
    // Two bits left over that are not zero.
    #expect(utf7("+AKN-") == "£\u{FFFD}")
    // A partial 16-bit unit.
    #expect(utf7("a+AK-b") == "a\u{FFFD}b")
    // A high surrogate without its low half, and a low one alone.
    #expect(utf7("+2D0-x") == "\u{FFFD}x")
    #expect(utf7("+3gA-x") == "\u{FFFD}x")
    // A shift with nothing in it, and eight-bit bytes, which UTF-7 never has.
    #expect(utf7("a+!b") == "a\u{FFFD}!b")
    #expect(utf7("a+") == "a\u{FFFD}")
    #expect(Charsets.decode([0x63, 0x61, 0x66, 0xE9], charset: "utf-7") == "caf\u{FFFD}")
  }

  @Test func longDamagedTextIsDecodedInOnePass() {
    let damaged = String(repeating: "&A+", count: 100_000)
    let clock = ContinuousClock()
    let elapsed = clock.measure {
      #expect(utf7(damaged).unicodeScalars.count >= 100_000)
    }
    #expect(elapsed < .seconds(5))
  }

  @Test func arbitraryBytesNeverTrap() async {
    let gen = Gen<UInt8>.value(in: 0...255).array(of: 0...200)
    await propertyCheck(count: 300, input: gen) { bytes in
      _ = Charsets.decode(bytes, charset: "utf-7")
    }
  }
}
