// Terminal display width of text: how many columns a grapheme cluster occupies.
//
// Terminals lay text out on a grid of columns, not characters: CJK ideographs and emoji take
// two columns, combining marks and joiners take none. Everything that clips or pads text goes
// through these functions so a wide character never breaks a border.

/// The number of terminal columns `character` occupies (0, 1 or 2), as a modern terminal's
/// `wcwidth` would lay it out.
///
/// A cluster is measured by its first scalar, then adjusted by what follows it: an emoji
/// variation selector (U+FE0F) makes it wide, a text selector (U+FE0E) narrow, and ZWJ
/// sequences, skin-tone modifiers and flags stay one wide cell. Control characters count as one
/// column because ``ScreenBuffer`` replaces them with a visible substitute.
public func displayWidth(of character: Character) -> Int {
  let scalars = character.unicodeScalars
  guard let first = scalars.first else { return 0 }
  if isControl(first) { return 1 }
  var hasEmojiSelector = false
  var hasTextSelector = false
  var regionalIndicators = 0
  for scalar in scalars {
    switch scalar.value {
    case 0xFE0F: hasEmojiSelector = true
    case 0xFE0E: hasTextSelector = true
    case 0x1F1E6...0x1F1FF: regionalIndicators += 1
    default: break
    }
  }
  if regionalIndicators > 0 { return 2 }
  if hasTextSelector { return baseWidth(of: first) == 0 ? 0 : 1 }
  if hasEmojiSelector && first.properties.isEmoji { return 2 }
  return baseWidth(of: first)
}

/// The number of terminal columns `text` occupies: the sum of its clusters' widths.
public func displayWidth(of text: some StringProtocol) -> Int {
  // Printable ASCII is a column a byte: no grapheme breaking needed.
  if text.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x80 }) { return text.utf8.count }
  var total = 0
  for character in text { total += displayWidth(of: character) }
  return total
}

extension StringProtocol {
  /// The number of terminal columns this text occupies (see ``displayWidth(of:)-(Character)``).
  public var displayWidth: Int { TerminalUI.displayWidth(of: self) }
}

extension StringProtocol {
  /// This text for a line printed to a terminal: each control character but tab (C0, DEL,
  /// C1, line breaks included) and each bidirectional control becomes U+FFFD, so text from
  /// data (a subject, a name, a file name) cannot move the cursor, recolour the screen,
  /// retitle the window, forge another line of output, or reverse how the rest of its line
  /// reads (an item id included).
  public var terminalSafe: String {
    guard unicodeScalars.contains(where: { isUnsafeForLine($0) }) else {
      return String(self)
    }
    var scalars = String.UnicodeScalarView()
    for scalar in unicodeScalars {
      scalars.append(isUnsafeForLine(scalar) ? "\u{FFFD}" : scalar)
    }
    return String(scalars)
  }
}

private func isUnsafeForLine(_ scalar: Unicode.Scalar) -> Bool {
  if scalar.value < 0x80 { return scalar.value < 0x20 ? scalar != "\t" : scalar.value == 0x7F }
  return isControl(scalar) || isBidiControl(scalar)
}

/// The explicit bidirectional formatting characters (Unicode UAX #9: embeddings, overrides,
/// isolates and the marks): invisible, they reorder the text around them.
public func isBidiControl(_ scalar: Unicode.Scalar) -> Bool {
  switch scalar.value {
  case 0x061C, 0x200E, 0x200F, 0x202A...0x202E, 0x2066...0x2069: return true
  default: return false
  }
}

/// True for C0 and C1 control characters and DEL, which must never reach the terminal.
func isControl(_ scalar: Unicode.Scalar) -> Bool {
  switch scalar.value {
  case 0x00...0x1F, 0x7F...0x9F: return true
  default: return false
  }
}

/// The width of one scalar on its own: 0 for marks and invisible format characters, 2 for East
/// Asian Wide/Fullwidth and default-emoji-presentation scalars, else 1.
func baseWidth(of scalar: Unicode.Scalar) -> Int {
  let value = scalar.value
  if value < 0x300 { return 1 }  // Latin fast path (control characters are handled earlier).
  switch scalar.properties.generalCategory {
  case .nonspacingMark, .enclosingMark: return 0
  case .format:
    // Soft hyphen shows as a hyphen; the other format characters (ZWJ, ZWSP, BOM...) are
    // invisible.
    return value == 0xAD ? 1 : 0
  default: break
  }
  if (0x1160...0x11FF).contains(value) || (0xD7B0...0xD7FF).contains(value) {
    return 0  // Hangul medial vowels and final consonants join the preceding syllable.
  }
  if scalar.properties.isEmojiPresentation { return 2 }
  return isEastAsianWide(value) ? 2 : 1
}

/// East Asian Width W and F ranges (Unicode 15 EastAsianWidth.txt, coalesced), excluding the
/// emoji ones already caught by `isEmojiPresentation`.
private let wideRanges: [ClosedRange<UInt32>] = [
  0x1100...0x115F, 0x2329...0x232A, 0x2E80...0x2E99, 0x2E9B...0x2EF3, 0x2F00...0x2FD5,
  0x2FF0...0x2FFB, 0x3000...0x303E, 0x3041...0x3096, 0x3099...0x30FF, 0x3105...0x312F,
  0x3131...0x318E, 0x3190...0x31E3, 0x31F0...0x321E, 0x3220...0x3247, 0x3250...0x4DBF,
  0x4E00...0xA48C, 0xA490...0xA4C6, 0xA960...0xA97C, 0xAC00...0xD7A3, 0xF900...0xFAFF,
  0xFE10...0xFE19, 0xFE30...0xFE52, 0xFE54...0xFE66, 0xFE68...0xFE6B, 0xFF01...0xFF60,
  0xFFE0...0xFFE6, 0x16FE0...0x16FE4, 0x16FF0...0x16FF1, 0x17000...0x187F7,
  0x18800...0x18CD5, 0x18D00...0x18D08, 0x1AFF0...0x1AFFE, 0x1B000...0x1B122,
  0x1B132...0x1B132, 0x1B150...0x1B152, 0x1B155...0x1B155, 0x1B164...0x1B167,
  0x1B170...0x1B2FB, 0x1F200...0x1F202, 0x1F210...0x1F23B, 0x1F240...0x1F248,
  0x1F250...0x1F251, 0x1F260...0x1F265, 0x20000...0x2FFFD, 0x30000...0x3FFFD,
]

private func isEastAsianWide(_ value: UInt32) -> Bool {
  if value < 0x1100 { return false }
  var low = 0
  var high = wideRanges.count - 1
  while low <= high {
    let middle = (low + high) / 2
    let range = wideRanges[middle]
    if value < range.lowerBound {
      high = middle - 1
    } else if value > range.upperBound {
      low = middle + 1
    } else {
      return true
    }
  }
  return false
}
