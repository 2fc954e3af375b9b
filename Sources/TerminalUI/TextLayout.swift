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

  /// `text` word-wrapped into lines of at most `width` columns.
  ///
  /// Newlines start new lines (an empty line for a blank one); runs of spaces between words
  /// collapse to one at a break; a word wider than `width` is broken across lines by
  /// columns. Tabs count as a single space.
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
        lines.append(contentsOf: wrapParagraph(String(paragraph).replacingTabs(), width: width))
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
  /// wide (controls count one, as `displayWidth` has them), and a tab separates words.
  private static func wrapASCII(_ bytes: [UInt8], width: Int, into lines: inout [String]) {
    let first = lines.count
    var line: [UInt8] = []
    var index = 0
    func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 }
    while index < bytes.count {
      if isSpace(bytes[index]) {
        index += 1
        continue
      }
      var end = index
      while end < bytes.count, !isSpace(bytes[end]) { end += 1 }
      var word = index..<end
      index = end
      let needed = line.isEmpty ? word.count : line.count + 1 + word.count
      if needed <= width {
        if !line.isEmpty { line.append(0x20) }
        line.append(contentsOf: bytes[word])
        continue
      }
      if !line.isEmpty {
        lines.append(String(decoding: line, as: UTF8.self))
        line.removeAll(keepingCapacity: true)
      }
      while word.count > width {
        let head = word.lowerBound..<(word.lowerBound + width)
        lines.append(String(decoding: bytes[head], as: UTF8.self))
        word = head.upperBound..<word.upperBound
      }
      line.append(contentsOf: bytes[word])
    }
    if !line.isEmpty || lines.count == first { lines.append(String(decoding: line, as: UTF8.self)) }
  }

  static func wrapParagraph(_ paragraph: String, width: Int) -> [String] {
    let words = paragraph.split(separator: " ", omittingEmptySubsequences: true)
    if words.isEmpty { return [""] }
    var lines: [String] = []
    var line = ""
    var lineWidth = 0
    for word in words {
      var word = String(word)
      var wordWidth = word.displayWidth
      let needed = lineWidth == 0 ? wordWidth : lineWidth + 1 + wordWidth
      if needed <= width {
        line += lineWidth == 0 ? word : " " + word
        lineWidth = needed
        continue
      }
      if lineWidth > 0 {
        lines.append(line)
        line = ""
        lineWidth = 0
      }
      while wordWidth > width {
        var head = prefix(word, width: width)
        if head.isEmpty { head = String(word.prefix(1)) }  // a wide char in a 1-column field
        lines.append(head)
        word.removeFirst(head.count)
        wordWidth = word.displayWidth
      }
      line = word
      lineWidth = wordWidth
    }
    if lineWidth > 0 || lines.isEmpty { lines.append(line) }
    return lines
  }
}

extension String {
  /// Each tab a space. The test is on bytes: Foundation's `contains("\t")` does not find a
  /// tab that a combining mark follows.
  func replacingTabs() -> String {
    utf8.contains(0x09) ? String(map { $0 == "\t" ? " " : $0 }) : self
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
