import Foundation

extension Cell {
  /// `text` spelled in printable ASCII in exactly `width` columns, for a terminal whose
  /// locale is not UTF-8.
  ///
  /// curses in such a locale drops what it cannot encode or draws it at another width, so
  /// the rest of the row, borders included, moved. Letters lose their accents ("é" → "e"),
  /// the app's own symbols become lookalikes ("↓" → "v", "—" → "-"), and anything else is
  /// a `?` per column, as terminals show what they cannot draw.
  public static func asciiFallback(_ text: String, width: Int) -> String {
    guard width > 0 else { return "" }
    let scalars = text.unicodeScalars
    if scalars.allSatisfy({ $0.value >= 0x20 && $0.value < 0x7F }), scalars.count == width {
      return text
    }
    var ascii = ""
    if width == 1, let first = scalars.first {
      if let lookalike = lookalikes[first] {
        ascii = lookalike
      } else {
        // The base letter of a letter with marks: "é" is "e" and U+0301.
        let base = String(first).decomposedStringWithCompatibilityMapping.unicodeScalars.first
        if let base, base.value >= 0x21, base.value < 0x7F { ascii = String(base) }
      }
    }
    if ascii.isEmpty { ascii = String(repeating: "?", count: width) }
    return String(ascii.prefix(width))
  }

  /// Symbols the app draws, by the ASCII character that looks most like each.
  static let lookalikes: [Unicode.Scalar: String] = [
    "—": "-", "–": "-", "‐": "-", "−": "-", "…": ".", "·": ".", "•": "*", "↓": "v", "↑": "^",
    "←": "<", "→": ">", "▸": ">", "▏": "|", "│": "|", "─": "-", "⚠": "!", "ⓘ": "i", "×": "x",
    "⊕": "+", "“": "\"", "”": "\"", "„": "\"", "‘": "'", "’": "'", "«": "\"", "»": "\"",
    "\u{A0}": " ", "ß": "s", "æ": "a", "Æ": "A", "ø": "o", "Ø": "O", "ł": "l", "Ł": "L",
    "đ": "d", "Đ": "D", "þ": "t", "ı": "i",
  ]
}
