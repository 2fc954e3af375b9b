import Foundation
import Testing

@testable import CaptureCore

@Suite struct JSONOutputTests {
  let awkward = [
    "plain", "", "quote \" inside", "back\\slash", "line\nbreak\r\ttab", "bell \u{07} and nul \u{00}",
    "\u{1F}", "Société Lumière", "北京会议", "👩‍👩‍👧 family", "\u{7F} delete stays", "end\"",
    "c1 \u{85}\u{9B}", "bidi \u{202E}dcba\u{202C} \u{2066}x\u{2069} \u{200F}", "sep \u{2028}\u{2029}",
    "arabic mark \u{061C}", "near misses \u{2010}\u{2030}\u{2070}\u{A0}",
  ]

  @Test func everyStringSurvivesARoundTripThroughAJSONParser() throws {
    for pretty in [false, true] {
      let text = JSONOutput.array(awkward.map { .string($0) }).serialized(pretty: pretty)
      let parsed = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String]
      #expect(parsed == awkward)
    }
  }

  @Test func controlCharactersUseTheShortEscapesElseSixCharacterOnes() {
    #expect(JSONOutput.string("a\"b\\c\nd\re\tf").serialized() == #""a\"b\\c\nd\re\tf""#)
    #expect(JSONOutput.string("\u{00}\u{07}\u{1F}").serialized() == #""\u0000\u0007\u001f""#)
  }

  /// A sender's text cannot reach a terminal through a script that prints a value raw.
  @Test func delC1BidiControlsAndLineSeparatorsAreEscaped() {
    #expect(JSONOutput.string("a\u{7F}b\u{85}c\u{9F}").serialized() == #""a\u007fb\u0085c\u009f""#)
    #expect(JSONOutput.string("id \u{202E}gpj.exe\u{202C}").serialized()
      == #""id \u202egpj.exe\u202c""#)
    #expect(JSONOutput.string("\u{2066}\u{2069}\u{200E}\u{200F}\u{061C}\u{2028}").serialized()
      == #""\u2066\u2069\u200e\u200f\u061c\u2028""#)
    #expect(JSONOutput.string("\u{2010}–\u{A0}").serialized() == "\"\u{2010}–\u{A0}\"")
  }

  @Test func textWithoutEscapesIsCopiedUnchanged() {
    #expect(JSONOutput.string("Réunion 北京 👍").serialized() == "\"Réunion 北京 👍\"")
  }
}
