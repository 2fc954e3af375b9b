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
  public static func wrap(_ text: String, width: Int) -> [String] {
    guard width > 0 else { return [] }
    var lines: [String] = []
    let paragraphs = text.replacingTabs().split(
      omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" })
    for paragraph in paragraphs {
      lines.append(contentsOf: wrapParagraph(String(paragraph), width: width))
    }
    return lines
  }

  private static func wrapParagraph(_ paragraph: String, width: Int) -> [String] {
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
  fileprivate func replacingTabs() -> String {
    contains("\t") ? String(map { $0 == "\t" ? " " : $0 }) : self
  }
}
