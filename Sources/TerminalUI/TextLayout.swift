/// Fitting text into columns: truncation with an ellipsis, padding and word wrapping, all by
/// display width so wide characters and combining marks are measured the way the terminal
/// draws them.
public enum TextLayout {
  /// Horizontal placement of text padded into a wider field.
  public enum Alignment: Sendable { case left, right, center }

  /// `text` cut to at most `width` columns, ending in `ellipsis` when something was cut.
  ///
  /// A wide character that would straddle the limit is dropped rather than split, so the
  /// result may be one column narrower than `width`.
  public static func truncate(_ text: String, toWidth width: Int, ellipsis: String = "…")
    -> String
  {
    guard width > 0 else { return "" }
    if text.displayWidth <= width { return text }
    let ellipsisWidth = ellipsis.displayWidth
    guard ellipsisWidth <= width else { return prefix(text, width: width) }
    return prefix(text, width: width - ellipsisWidth) + ellipsis
  }

  /// The longest prefix of `text` whose display width is at most `width` (no ellipsis).
  public static func prefix(_ text: String, width: Int) -> String {
    var used = 0
    var end = text.startIndex
    for index in text.indices {
      let columns = displayWidth(of: text[index])
      if used + columns > width { break }
      used += columns
      end = text.index(after: index)
    }
    return String(text[..<end])
  }

  /// `text` padded with spaces to exactly `width` columns; longer text is truncated first.
  public static func pad(_ text: String, toWidth width: Int, alignment: Alignment = .left)
    -> String
  {
    let fitted = truncate(text, toWidth: width)
    let gap = max(0, width - fitted.displayWidth)
    switch alignment {
    case .left: return fitted + String(repeating: " ", count: gap)
    case .right: return String(repeating: " ", count: gap) + fitted
    case .center:
      let left = gap / 2
      return String(repeating: " ", count: left) + fitted
        + String(repeating: " ", count: gap - left)
    }
  }

  /// `text` wrapped into lines of at most `width` columns, as a pager shows mail.
  ///
  /// Newlines start new lines (an empty line for a blank one). A line that fits is kept as
  /// it is, its spacing included (tables, signatures, quoted code); a longer one breaks at
  /// its last space that fits, the spaces at the break dropped, and a word wider than
  /// `width` is broken by columns. Tabs stop at every eighth column, as in a terminal.
  ///
  /// A paragraph of ASCII, the bulk of most mail, is wrapped on its bytes: grapheme
  /// breaking made wrapping a 1 MB message take ~90 ms.
  public static func wrap(_ text: String, width: Int) -> [String] {
    guard width > 0 else { return [] }
    var lines: [String] = []
    for paragraph in paragraphs(of: text) {
      if paragraph.utf8.allSatisfy({ $0 < 0x80 }) {
        wrapASCII(Array(paragraph.utf8), width: width, into: &lines)
      } else {
        lines.append(contentsOf: wrapParagraph(String(paragraph).expandingTabs(), width: width))
      }
    }
    return lines
  }

  /// `text` split at each line feed, a carriage return before it dropped. Split on bytes,
  /// which is exact: a line feed always ends a grapheme cluster, and CR LF is one
  /// (UAX #29, GB3–GB5).
  static func paragraphs(of text: String) -> [Substring] {
    var paragraphs: [Substring] = []
    let utf8 = text.utf8
    var start = utf8.startIndex
    var index = start
    while index < utf8.endIndex {
      let next = utf8.index(after: index)
      if utf8[index] == 0x0A {
        var end = index
        if end > start, utf8[utf8.index(before: end)] == 0x0D { end = utf8.index(before: end) }
        paragraphs.append(text[start..<end])
        start = next
      }
      index = next
    }
    paragraphs.append(text[start..<utf8.endIndex])
    return paragraphs
  }

  /// `wrapParagraph` for a paragraph of bytes below 0x80: each is a character one column
  /// wide (controls count one, as `displayWidth` has them).
  private static func wrapASCII(_ input: [UInt8], width: Int, into lines: inout [String]) {
    var bytes: [UInt8] = []
    if input.contains(0x09) {
      for byte in input {
        if byte == 0x09 {
          bytes.append(contentsOf: repeatElement(0x20, count: 8 - bytes.count % 8))
        } else {
          bytes.append(byte)
        }
      }
    } else {
      bytes = input
    }
    let first = lines.count
    func emit(_ range: Range<Int>) {
      var end = range.upperBound
      while end > range.lowerBound, bytes[end - 1] == 0x20 { end -= 1 }
      lines.append(String(decoding: bytes[range.lowerBound..<end], as: UTF8.self))
    }
    var start = 0
    while true {
      guard let text = bytes[start...].firstIndex(where: { $0 != 0x20 }) else {
        if lines.count == first { lines.append("") }
        return
      }
      let end = min(bytes.count, start + width)
      if end == bytes.count {
        emit(start..<end)
        return
      }
      var cut: Int? = bytes[end] == 0x20 ? end : nil
      if cut == nil {
        var j = end - 1
        while j > text, bytes[j] != 0x20 { j -= 1 }
        if j > text { cut = j }
      }
      if let cut, cut > text {
        emit(start..<cut)
        start = cut
        while start < bytes.count, bytes[start] == 0x20 { start += 1 }
        if start == bytes.count { return }
      } else {
        emit(start..<end)
        start = end
      }
    }
  }

  /// One paragraph (no newline, tabs already expanded) wrapped by grapheme clusters and
  /// their display widths; `wrapASCII` is the same on bytes.
  static func wrapParagraph(_ paragraph: String, width: Int) -> [String] {
    let characters = Array(paragraph)
    let widths = characters.map { displayWidth(of: $0) }
    var lines: [String] = []
    func emit(_ range: Range<Int>) {
      var end = range.upperBound
      while end > range.lowerBound, characters[end - 1] == " " { end -= 1 }
      lines.append(String(characters[range.lowerBound..<end]))
    }
    var start = 0
    while true {
      guard let text = characters[start...].firstIndex(where: { $0 != " " }) else {
        if lines.isEmpty { lines.append("") }
        return lines
      }
      var end = start
      var used = 0
      while end < characters.count, used + widths[end] <= width {
        used += widths[end]
        end += 1
      }
      if end == characters.count {
        emit(start..<end)
        return lines
      }
      var cut: Int? = characters[end] == " " ? end : nil
      if cut == nil {
        var j = end - 1
        while j > text, characters[j] != " " { j -= 1 }
        if j > text { cut = j }
      }
      if let cut, cut > text {
        emit(start..<cut)
        start = cut
        while start < characters.count, characters[start] == " " { start += 1 }
        if start == characters.count { return lines }
      } else {
        // A wide character in a field narrower than it still moves on.
        let stop = max(end, start + 1)
        emit(start..<stop)
        start = stop
      }
    }
  }
}

extension String {
  /// Tabs replaced by the spaces that reach the next multiple of 8 columns, counting
  /// display widths from the start of the text (one line). Compared by character:
  /// Foundation's `contains("\t")` does not find a tab that a combining mark follows.
  func expandingTabs() -> String {
    guard utf8.contains(0x09) else { return self }
    var out = ""
    var column = 0
    for character in self {
      if character == "\t" {
        let stop = 8 - column % 8
        out += String(repeating: " ", count: stop)
        column += stop
      } else {
        out.append(character)
        column += TerminalUI.displayWidth(of: character)
      }
    }
    return out
  }
}

extension Int {
  /// The number with its thousands apart, `100,000`: counts read as numbers at a glance.
  public var groupedDigits: String {
    let digits = String(magnitude)
    var out = ""
    for (k, digit) in digits.enumerated() {
      if k > 0, (digits.count - k) % 3 == 0 { out.append(",") }
      out.append(digit)
    }
    return (self < 0 ? "-" : "") + out
  }
}
