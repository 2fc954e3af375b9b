import Foundation
import Testing

@testable import CaptureCore

@Suite struct JSONValueTests {
  let awkward = [
    "plain", "", "quote \" inside", "back\\slash", "line\nbreak\r\ttab", "bell \u{07} and nul \u{00}",
    "\u{1F}", "Société Lumière", "北京会议", "👩‍👩‍👧 family", "\u{7F} delete stays", "end\"",
  ]

  @Test func everyStringSurvivesARoundTripThroughAJSONParser() throws {
    for pretty in [false, true] {
      let text = JSONValue.array(awkward.map { .string($0) }).serialized(pretty: pretty)
      let parsed = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String]
      #expect(parsed == awkward)
    }
  }

  @Test func controlCharactersUseTheShortEscapesElseSixCharacterOnes() {
    #expect(JSONValue.string("a\"b\\c\nd\re\tf").serialized() == #""a\"b\\c\nd\re\tf""#)
    #expect(JSONValue.string("\u{00}\u{07}\u{1F}").serialized() == #""\u0000\u0007\u001f""#)
  }

  @Test func textWithoutEscapesIsCopiedUnchanged() {
    #expect(JSONValue.string("Réunion 北京 👍").serialized() == "\"Réunion 北京 👍\"")
  }
}
