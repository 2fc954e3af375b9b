import Foundation

/// One property parameter, such as `CN="Lee, Ann"` or `MEMBER="a","b"`.
///
/// Values are unquoted and decoded (RFC 6868 caret escapes, and the TEXT-style backslash
/// escapes `\,` `\;` `\:` `\\` that some writers put in parameters, quoted or not), so
/// callers read the text a person would read.
public struct ICalendarParameter: Hashable, Sendable {
  /// Upper-cased name: `CN`, `TZID`, `VALUE`...
  public var name: String
  public var values: [String]
  public init(name: String, values: [String]) { self.name = name; self.values = values }
  /// The values joined with commas (most parameters hold one value).
  public var value: String { values.joined(separator: ",") }
}

/// One content line (RFC 5545 3.1) after unfolding: name, parameters and the raw value.
///
/// The value is kept as written: how to read it (TEXT unescaping, a list of dates, an
/// address) depends on the property, so the model decides.
public struct ICalendarProperty: Hashable, Sendable {
  /// Upper-cased name: `DTSTART`, `ATTENDEE`...
  public var name: String
  public var parameters: [ICalendarParameter]
  public var value: String
  /// The 1-based line (after unfolding, counted on physical lines) where it started.
  public var line: Int
  public init(name: String, parameters: [ICalendarParameter], value: String, line: Int) {
    self.name = name; self.parameters = parameters; self.value = value; self.line = line
  }

  /// The first value of parameter `name` (case-insensitive), or nil.
  public func parameter(_ name: String) -> String? {
    let upper = name.uppercased()
    return parameters.first { $0.name == upper }?.value
  }

  /// The value read as TEXT (RFC 5545 3.3.11): `\n`, `\,`, `\;` and `\\` decoded.
  public var text: String { ICalendarText.unescape(value) }
}

/// A content line that could not be read, kept so that a missing required property can be
/// explained by the broken line that stood for it.
public struct ICalendarMalformedLine: Error, Hashable, Sendable {
  /// The property name when it could be made out (upper-cased), else empty.
  public var name: String
  public var line: Int
  public var reason: String
}

/// A component (`VCALENDAR`, `VEVENT`, `VTIMEZONE`, `STANDARD`...) with its properties and
/// the components nested in it, in file order.
public struct ICalendarComponent: Hashable, Sendable {
  /// Upper-cased name.
  public var name: String
  public var properties: [ICalendarProperty] = []
  public var components: [ICalendarComponent] = []
  public var malformedLines: [ICalendarMalformedLine] = []
  /// The line of its BEGIN.
  public var line: Int
  public init(name: String, line: Int) { self.name = name; self.line = line }

  /// The first property called `name` (upper-case), or nil.
  public func property(_ name: String) -> ICalendarProperty? {
    properties.first { $0.name == name }
  }
  /// Every property called `name` (upper-case), in file order.
  public func properties(_ name: String) -> [ICalendarProperty] {
    properties.filter { $0.name == name }
  }
}

/// The text of a whole file split into components, with what went wrong on the way.
public struct ICalendarDocument: Hashable, Sendable {
  /// The top-level components (usually one `VCALENDAR`; some files hold several, or bare
  /// `VEVENT`s).
  public var components: [ICalendarComponent]
  /// Structural problems (lines outside any component, unclosed components...).
  public var warnings: [String]
}

/// TEXT value decoding (RFC 5545 3.3.11).
public enum ICalendarText {
  /// Decodes `\n`/`\N` to a newline and `\,` `\;` `\\` `\:` to the character; any other
  /// escaped character is kept without its backslash, a trailing lone backslash is kept.
  public static func unescape(_ s: String) -> String {
    guard s.contains("\\") else { return s }
    var out = ""
    out.reserveCapacity(s.count)
    var escaping = false
    for c in s {
      if escaping {
        switch c {
        case "n", "N": out.append("\n")
        default: out.append(c)
        }
        escaping = false
      } else if c == "\\" {
        escaping = true
      } else {
        out.append(c)
      }
    }
    if escaping { out.append("\\") }
    return out
  }
}

/// Splits iCalendar text into content lines and components.
///
/// Lenient on purpose: real files come with LF or lone CR line ends, a byte-order mark,
/// missing END lines and stray text. What cannot be read is dropped and described, never
/// fatal, so one broken line costs at most the component it belongs to.
public enum ICalendarReader {
  /// Unfolded logical lines with the physical line number each started on.
  public static func unfoldedLines(_ text: String) -> [(text: String, line: Int)] {
    var scalars = Substring(text).unicodeScalars[...]
    if scalars.first == "\u{FEFF}" { scalars = scalars.dropFirst() }
    var result: [(text: String, line: Int)] = []
    var current = String.UnicodeScalarView()
    var currentLine = 0
    var physical = 1
    var hasCurrent = false
    var lineStart = true
    var pendingCR = false

    func flush() {
      if hasCurrent { result.append((String(current), currentLine)) }
      current = String.UnicodeScalarView()
      hasCurrent = false
    }

    var iterator = scalars.makeIterator()
    while let s = iterator.next() {
      if pendingCR {
        pendingCR = false
        if s == "\n" { continue }
      }
      if s == "\r" || s == "\n" {
        if s == "\r" { pendingCR = true }
        physical += 1
        lineStart = true
        continue
      }
      if lineStart {
        // A byte-order mark opening a line: files concatenated with theirs.
        if s == "\u{FEFF}" { continue }
        lineStart = false
        if (s == " " || s == "\t") && hasCurrent {
          continue  // a fold: the line continues, the leading white space is dropped
        }
        flush()
        hasCurrent = true
        currentLine = physical
      }
      current.append(s)
    }
    flush()
    return result.filter { !$0.text.allSatisfy { $0 == " " || $0 == "\t" } }
  }

  /// Reads one logical line into a property, or explains why it cannot be read.
  public static func parseContentLine(_ text: String, line: Int)
    -> Result<ICalendarProperty, ICalendarMalformedLine>
  {
    let chars = Array(text.unicodeScalars)
    var i = 0
    var name = String.UnicodeScalarView()
    while i < chars.count, chars[i] != ";", chars[i] != ":" {
      name.append(chars[i]); i += 1
    }
    let upperName = String(name).uppercased()
    func fail(_ reason: String) -> Result<ICalendarProperty, ICalendarMalformedLine> {
      .failure(ICalendarMalformedLine(name: isName(upperName) ? upperName : "", line: line,
                                      reason: reason))
    }
    guard !upperName.isEmpty else { return fail("line \(line) has no property name") }
    guard isName(upperName) else {
      return fail("line \(line): '\(printable(String(name)))' is not a property name")
    }
    guard i < chars.count else { return fail("line \(line): \(upperName) has no ':' and value") }
    var parameters: [ICalendarParameter] = []
    while i < chars.count, chars[i] == ";" {
      i += 1
      var pname = String.UnicodeScalarView()
      while i < chars.count, chars[i] != "=", chars[i] != ";", chars[i] != ":" {
        pname.append(chars[i]); i += 1
      }
      let upperParam = String(pname).uppercased()
      guard !upperParam.isEmpty else {
        return fail("line \(line): \(upperName) has an empty parameter")
      }
      guard isName(upperParam) else {
        return fail("line \(line): \(upperName) has a bad parameter name "
                    + "'\(printable(String(pname)))'")
      }
      guard i < chars.count, chars[i] == "=" else {
        return fail("line \(line): parameter \(upperParam) of \(upperName) has no '='")
      }
      i += 1
      var values: [String] = []
      while true {
        var value = String.UnicodeScalarView()
        if i < chars.count, chars[i] == "\"" {
          i += 1
          while i < chars.count, chars[i] != "\"" { value.append(chars[i]); i += 1 }
          guard i < chars.count else {
            return fail("line \(line): parameter \(upperParam) of \(upperName) "
                        + "has no closing quote")
          }
          i += 1
          values.append(decodeParameterValue(String(value), backslashes: true))
        } else {
          while i < chars.count, chars[i] != ",", chars[i] != ";", chars[i] != ":" {
            if chars[i] == "\\", i + 1 < chars.count {
              value.append(chars[i]); i += 1  // some writers escape , ; : here: keep the pair
            }
            value.append(chars[i]); i += 1
          }
          values.append(decodeParameterValue(String(value), backslashes: true))
        }
        if i < chars.count, chars[i] == "," { i += 1; continue }
        break
      }
      parameters.append(ICalendarParameter(name: upperParam, values: values))
    }
    guard i < chars.count, chars[i] == ":" else {
      return fail("line \(line): \(upperName) has no ':' before its value")
    }
    i += 1
    var value = String.UnicodeScalarView()
    value.append(contentsOf: chars[i...])
    return .success(ICalendarProperty(name: upperName, parameters: parameters,
                                      value: String(value), line: line))
  }

  /// Reads a whole text into components.
  ///
  /// At most `ICalendarLimits.nesting` components are open at once: a component that would
  /// nest deeper is dropped with all it holds (one warning), so that a file of repeated
  /// BEGIN lines costs neither deep recursion later nor quadratic work here.
  public static func parse(_ text: String) -> ICalendarDocument {
    var warnings: [String] = []
    var top: [ICalendarComponent] = []
    var stack: [ICalendarComponent] = []
    /// Names of the components open inside a dropped one, innermost last.
    var dropped: [String] = []

    func close(into stack: inout [ICalendarComponent]) {
      let done = stack.removeLast()
      if stack.isEmpty { top.append(done) } else { stack[stack.count - 1].components.append(done) }
    }

    for (lineText, line) in unfoldedLines(text) {
      if !dropped.isEmpty {
        // Inside a dropped component only BEGIN and END count. An END or a calendar-level
        // BEGIN that matches a kept component ends the dropped part (its ENDs were lost).
        guard case .success(let property) = parseContentLine(lineText, line: line),
              property.name == "BEGIN" || property.name == "END"
        else { continue }
        let compName = property.value.trimmingCharacters(in: .whitespaces).uppercased()
        if property.name == "BEGIN" {
          let peers: Set<String> = compName == "VCALENDAR" ? ["VCALENDAR"] : calendarLevel
          guard peers.contains(compName), stack.contains(where: { peers.contains($0.name) })
          else { dropped.append(isName(compName) ? compName : "X-INVALID"); continue }
        } else if dropped.last == compName || dropped.last == "X-INVALID" {
          dropped.removeLast()
          continue
        } else if !stack.contains(where: { $0.name == compName }) {
          continue
        }
        dropped = []
      }
      switch parseContentLine(lineText, line: line) {
      case .failure(let bad):
        if stack.isEmpty {
          warnings.append("\(bad.reason) (outside any component)")
        } else {
          stack[stack.count - 1].malformedLines.append(bad)
        }
      case .success(let property):
        if property.name == "BEGIN" {
          let compName = property.value.trimmingCharacters(in: .whitespaces).uppercased()
          guard isName(compName) else {
            warnings.append("line \(line): BEGIN with a bad component name "
                            + "'\(printable(property.value))'")
            // Still open something so that its END and content do not leak into the parent.
            if stack.count < ICalendarLimits.nesting {
              stack.append(ICalendarComponent(name: "X-INVALID", line: line))
            } else {
              dropped.append("X-INVALID")
            }
            continue
          }
          // A calendar component never nests in another, nor a VCALENDAR in a VCALENDAR:
          // one still open lost its END.
          let peers: Set<String> = compName == "VCALENDAR" ? ["VCALENDAR"] : calendarLevel
          if peers.contains(compName),
             let open = stack.lastIndex(where: { peers.contains($0.name) })
          {
            while stack.count > open {
              warnings.append("line \(stack[stack.count - 1].line): BEGIN:"
                              + "\(stack[stack.count - 1].name) has no END")
              close(into: &stack)
            }
          }
          guard stack.count < ICalendarLimits.nesting else {
            warnings.append("line \(line): BEGIN:\(printable(compName)) is nested deeper than "
                            + "\(ICalendarLimits.nesting) components; dropped with all it holds")
            dropped.append(compName)
            continue
          }
          stack.append(ICalendarComponent(name: compName, line: line))
        } else if property.name == "END" {
          let compName = property.value.trimmingCharacters(in: .whitespaces).uppercased()
          if let index = stack.lastIndex(where: { $0.name == compName }) {
            while stack.count > index + 1 {
              warnings.append("line \(stack[stack.count - 1].line): BEGIN:"
                              + "\(stack[stack.count - 1].name) has no END")
              close(into: &stack)
            }
            close(into: &stack)
          } else if stack.last?.name == "X-INVALID" {
            close(into: &stack)
          } else {
            warnings.append("line \(line): END:\(printable(property.value)) without BEGIN")
          }
        } else if stack.isEmpty {
          warnings.append("line \(line): \(property.name) outside any component")
        } else {
          stack[stack.count - 1].properties.append(property)
        }
      }
    }
    if !stack.isEmpty {
      for component in stack.reversed() {
        warnings.append("line \(component.line): BEGIN:\(component.name) has no END")
      }
      while !stack.isEmpty { close(into: &stack) }
    }
    return ICalendarDocument(components: top, warnings: warnings)
  }

  /// The components that stand directly in a VCALENDAR (RFC 5545 3.6) and so cannot
  /// open inside one another.
  static let calendarLevel: Set<String> = ["VEVENT", "VTODO", "VJOURNAL", "VFREEBUSY",
                                           "VTIMEZONE", "VAVAILABILITY"]

  /// Names are letters, digits and `-` (RFC 5545 3.1, iana-token and x-name).
  static func isName(_ s: String) -> Bool {
    !s.isEmpty && s.unicodeScalars.allSatisfy {
      ($0 >= "A" && $0 <= "Z") || ($0 >= "a" && $0 <= "z") || ($0 >= "0" && $0 <= "9")
        || $0 == "-" || $0 == "_"
    }
  }

  /// The text with control characters shown as `?`, at most 40 characters, for messages.
  static func printable(_ s: String) -> String {
    let cleaned = String(String.UnicodeScalarView(s.unicodeScalars.map {
      $0.properties.generalCategory == .control ? "?" : $0
    }))
    return cleaned.count > 40 ? String(cleaned.prefix(40)) + "…" : cleaned
  }

  /// Decodes RFC 6868 caret escapes and, when asked, backslash escapes of `,` `;` `:` `\`.
  static func decodeParameterValue(_ s: String, backslashes: Bool) -> String {
    guard s.contains("^") || (backslashes && s.contains("\\")) else { return s }
    var out = ""
    var pending: Character? = nil
    for c in s {
      if let p = pending {
        pending = nil
        if p == "^" {
          switch c {
          case "n", "N": out.append("\n")
          case "^": out.append("^")
          case "'": out.append("\"")
          default: out.append("^"); out.append(c)
          }
        } else {
          switch c {
          case ",", ";", ":", "\\": out.append(c)
          default: out.append("\\"); out.append(c)
          }
        }
      } else if c == "^" || (backslashes && c == "\\") {
        pending = c
      } else {
        out.append(c)
      }
    }
    if let p = pending { out.append(p) }
    return out
  }
}
