import Foundation

/// Turns an HTML mail part into readable plain text.
///
/// Not an HTML parser: mail HTML is read to show it in a terminal, so the rules are few.
/// script, style, head and comments are dropped; block elements and `<br>` become line
/// breaks, `<li>` starts a `- ` line, table cells are separated by spaces; HTML 4's named
/// character references and numeric ones are decoded; runs of whitespace collapse to one
/// space and runs of blank lines to one; link text is kept (the URL is not), and so is an
/// image's alt text.
///
/// One pass over the scalars, no recursion: the work is linear in the input. Only the first
/// `maximumLength` scalars are read; the text of a longer part ends with `cutNote`.
public enum HTMLText {
  /// 4 Mi scalars (16 MiB once held as scalars): far more than any mail shows, and a bound
  /// on what one message part can cost to convert.
  static let maximumLength = 4 << 20
  /// Ends the text of a part cut at `maximumLength`.
  static let cutNote = "[the rest of this HTML part, past 4 Mi characters, is not shown]"

  /// The readable text of `html`.
  public static func text(fromHTML html: String) -> String {
    let scalars = html.unicodeScalars
    let cut = scalars.index(scalars.startIndex, offsetBy: maximumLength,
                            limitedBy: scalars.endIndex)
    let s = Array(scalars[..<(cut ?? scalars.endIndex)])
    let n = s.count
    var out = String.UnicodeScalarView()
    var pendingSpace = false
    var pendingBreaks = 0
    var atLineStart = true
    var preDepth = 0

    func emitBreak(_ count: Int) {
      pendingSpace = false
      pendingBreaks = max(pendingBreaks, count)
    }
    func emit(_ c: Unicode.Scalar) {
      if pendingBreaks > 0 {
        if !out.isEmpty {
          for _ in 0..<pendingBreaks { out.append("\n") }
        }
        pendingBreaks = 0
        atLineStart = true
        pendingSpace = false
      }
      if pendingSpace, !atLineStart { out.append(" ") }
      pendingSpace = false
      out.append(c)
      atLineStart = c == "\n"
    }

    var i = 0
    while i < n {
      let c = s[i]
      if c == "<" {
        // Comment or declaration.
        if i + 3 < n, s[i + 1] == "!", s[i + 2] == "-", s[i + 3] == "-" {
          i = find(s, "-->", from: i + 4).map { $0 + 3 } ?? n
          continue
        }
        guard let tag = readTag(s, from: i) else {
          emit(c); i += 1
          continue
        }
        i = tag.end
        switch tag.name {
        case "script", "style", "head", "title", "noscript", "template":
          if !tag.isClosing, !tag.isSelfClosing {
            i = findClosingTag(s, tag.name, from: i)
          }
        case "br":
          pendingSpace = false
          pendingBreaks = min(pendingBreaks + 1, 2)
        case "p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "table",
             "ul", "ol", "dl", "section", "article", "header", "footer", "hr", "form",
             "address", "center":
          emitBreak(2)
        case "pre":
          emitBreak(2)
          preDepth += tag.isClosing ? -1 : 1
          if preDepth < 0 { preDepth = 0 }
        case "tr", "dt", "dd", "caption", "nav", "main", "aside", "figure", "fieldset":
          emitBreak(1)
        case "li":
          if !tag.isClosing {
            emitBreak(1)
            emit("-"); emit(" ")
            atLineStart = true  // no extra space after the bullet
          } else {
            emitBreak(1)
          }
        case "td", "th":
          if !tag.isClosing { pendingSpace = true }
        case "img":
          if let alt = tag.alt, !alt.isEmpty {
            for a in alt.unicodeScalars { emit(a) }
          }
        default:
          break
        }
        continue
      }
      if c == "&" {
        let (decoded, end) = decodeEntity(s, from: i, upTo: n)
        for d in decoded.unicodeScalars {
          if d == "\u{A0}" { pendingSpace = true } else { emit(d) }
        }
        i = end
        continue
      }
      if c == " " || c == "\t" || c == "\n" || c == "\r" || c == "\u{0C}" {
        if preDepth > 0 {
          if c == "\n" { pendingBreaks += 1 } else if c != "\r" { emit(c) }
        } else {
          pendingSpace = true
        }
        i += 1
        continue
      }
      emit(c)
      i += 1
    }
    if let cut, cut != scalars.endIndex {
      emitBreak(2)
      for c in cutNote.unicodeScalars { emit(c) }
    }
    return String(out)
  }

  struct Tag {
    var name: String
    var isClosing: Bool
    var isSelfClosing: Bool
    var alt: String?
    var end: Int
  }

  /// A tag starting at `<` at `start`; nil when `<` does not start a tag (`a < b`).
  static func readTag(_ s: [Unicode.Scalar], from start: Int) -> Tag? {
    let n = s.count
    var i = start + 1
    var isClosing = false
    if i < n, s[i] == "/" { isClosing = true; i += 1 }
    if i < n, s[i] == "!" || s[i] == "?" {
      // Declaration or processing instruction: skip to `>`.
      let end = find(s, ">", from: i).map { $0 + 1 } ?? n
      return Tag(name: "!", isClosing: false, isSelfClosing: true, alt: nil, end: end)
    }
    // A tag name starts with an ASCII letter; `3<5` and `total<100` are text.
    guard i < n, ("a"..."z").contains(s[i]) || ("A"..."Z").contains(s[i]) else { return nil }
    var name = ""
    while i < n, s[i].properties.isAlphabetic || ("0"..."9").contains(s[i]) {
      name.unicodeScalars.append(s[i])
      i += 1
    }
    guard !name.isEmpty else { return nil }
    // Attributes up to `>`, quoted values respected. A quote opens a value only right after
    // `=`: in `width=50%'` the apostrophe is part of an unquoted value, as browsers read it.
    var quote: Unicode.Scalar? = nil
    var previous: Unicode.Scalar = " "
    let attrStart = i
    while i < n {
      let c = s[i]
      if let q = quote {
        if c == q { quote = nil }
      } else if (c == "\"" || c == "'"), previous == "=" {
        quote = c
      } else if c == ">" {
        break
      }
      if c != " ", c != "\t", c != "\n", c != "\r" { previous = c }
      i += 1
    }
    let attrEnd = min(i, n)
    let isSelfClosing = attrEnd > attrStart && s[attrEnd - 1] == "/"
    let lower = name.lowercased()
    var alt: String? = nil
    if lower == "img" { alt = attribute("alt", in: s, attrStart..<attrEnd) }
    return Tag(name: lower, isClosing: isClosing, isSelfClosing: isSelfClosing, alt: alt,
               end: min(i + 1, n))
  }

  /// The value of attribute `name` (lower-case ASCII) in the attribute text `range` of a
  /// tag, read as text: entities decoded, whitespace collapsed, any `<` kept as written (an
  /// attribute holds no markup). Nil when the tag has no such attribute.
  static func attribute(_ name: String, in s: [Unicode.Scalar], _ range: Range<Int>)
    -> String?
  {
    func isNameScalar(_ c: Unicode.Scalar) -> Bool {
      ("a"..."z").contains(c) || ("A"..."Z").contains(c) || ("0"..."9").contains(c)
        || c == "-" || c == "_" || c == ":" || c == "."
    }
    func isSpace(_ c: Unicode.Scalar) -> Bool { c == " " || c == "\t" || c == "\n" || c == "\r" }
    let wanted = Array(name.unicodeScalars)
    let end = range.upperBound
    var i = range.lowerBound
    while i < end {
      // Any other character separates attributes: `<img,alt=x>` gives alt=x.
      while i < end, !isNameScalar(s[i]) { i += 1 }
      let nameStart = i
      while i < end, isNameScalar(s[i]) { i += 1 }
      let matches = i - nameStart == wanted.count
        && zip(s[nameStart..<i], wanted).allSatisfy { c, w in
          c == w || (("A"..."Z").contains(c) && c.value + 32 == w.value)
        }
      var j = i
      while j < end, isSpace(s[j]) { j += 1 }
      guard j < end, s[j] == "=" else { continue }
      j += 1
      while j < end, isSpace(s[j]) { j += 1 }
      let value: Range<Int>
      if j < end, s[j] == "\"" || s[j] == "'" {
        let quote = s[j]
        var k = j + 1
        while k < end, s[k] != quote { k += 1 }
        value = (j + 1)..<k
        i = min(k + 1, end)
      } else {
        var k = j
        while k < end, !isSpace(s[k]), s[k] != "/" { k += 1 }
        value = j..<k
        i = k
      }
      if matches { return attributeText(s, value) }
    }
    return nil
  }

  /// An attribute value as text: character references decoded, runs of whitespace (and
  /// no-break spaces) read as one space, none at either end.
  static func attributeText(_ s: [Unicode.Scalar], _ range: Range<Int>) -> String {
    var out = String.UnicodeScalarView()
    var pendingSpace = false
    func add(_ c: Unicode.Scalar) {
      if c == " " || c == "\t" || c == "\n" || c == "\r" || c == "\u{0C}" || c == "\u{A0}" {
        pendingSpace = !out.isEmpty
        return
      }
      if pendingSpace { out.append(" ") }
      pendingSpace = false
      out.append(c)
    }
    var i = range.lowerBound
    while i < range.upperBound {
      if s[i] == "&" {
        let (decoded, next) = decodeEntity(s, from: i, upTo: range.upperBound)
        for d in decoded.unicodeScalars { add(d) }
        i = next
      } else {
        add(s[i])
        i += 1
      }
    }
    return String(out)
  }

  /// After the `</name ...>` that closes a dropped element, or the end.
  static func findClosingTag(_ s: [Unicode.Scalar], _ name: String, from start: Int) -> Int {
    let target = Array(("</" + name).unicodeScalars)
    var i = start
    while i + target.count <= s.count {
      var matches = true
      for k in 0..<target.count {
        let a = s[i + k].properties.lowercaseMapping
        if a != String(target[k]) { matches = false; break }
      }
      if matches {
        return find(s, ">", from: i + target.count).map { $0 + 1 } ?? s.count
      }
      i += 1
    }
    return s.count
  }

  static func find(_ s: [Unicode.Scalar], _ needle: String, from start: Int) -> Int? {
    let t = Array(needle.unicodeScalars)
    guard !t.isEmpty, start >= 0 else { return nil }
    var i = start
    while i + t.count <= s.count {
      if s[i] == t[0] {
        var k = 1
        while k < t.count, s[i + k] == t[k] { k += 1 }
        if k == t.count { return i }
      }
      i += 1
    }
    return nil
  }

  /// A character reference at `&` at `start`, read no further than `n`: its text and the
  /// offset after it; an unknown or malformed reference gives `&` itself.
  static func decodeEntity(_ s: [Unicode.Scalar], from start: Int, upTo n: Int) -> (String, Int) {
    var i = start + 1
    var name = ""
    while i < n, i - start <= 10, s[i] != ";", s[i].properties.isAlphabetic
            || ("0"..."9").contains(s[i]) || s[i] == "#" {
      name.unicodeScalars.append(s[i])
      i += 1
    }
    let end = i < n && s[i] == ";" ? i + 1 : i
    if name.hasPrefix("#") {
      let digits = name.dropFirst()
      let value: UInt32?
      if let x = digits.first, x == "x" || x == "X" {
        value = UInt32(digits.dropFirst(), radix: 16)
      } else {
        value = UInt32(digits)
      }
      // 0x80-0x9F name Windows-1252 characters, as browsers read them (`&#146;` is ’).
      if let value, value >= 0x80, value <= 0x9F {
        return (Charsets.decodeLatin1ReadingC1AsWindows([UInt8(value)]), end)
      }
      if let value, let scalar = Unicode.Scalar(value), value != 0 {
        return (String(scalar), end)
      }
      return ("&", start + 1)
    }
    if let text = namedEntities[name] ?? namedEntities[name.lowercased()] {
      return (text, end)
    }
    return ("&", start + 1)
  }

  /// The HTML 4 character entities (the Latin-1, symbol and special sets: every name HTML
  /// mail uses in practice); soft hyphen, zero-width joiners and direction marks read as
  /// nothing.
  static let namedEntities: [String: String] = [
    "Aacute": "Á", "aacute": "á", "Acirc": "Â", "acirc": "â", "acute": "´", "AElig": "Æ",
    "aelig": "æ", "Agrave": "À", "agrave": "à", "alefsym": "ℵ", "Alpha": "Α", "alpha": "α",
    "amp": "&", "and": "∧", "ang": "∠", "apos": "'", "Aring": "Å", "aring": "å", "asymp": "≈",
    "Atilde": "Ã", "atilde": "ã", "Auml": "Ä", "auml": "ä", "bdquo": "„", "Beta": "Β", "beta": "β",
    "brvbar": "¦", "bull": "•", "cap": "∩", "Ccedil": "Ç", "ccedil": "ç", "cedil": "¸", "cent": "¢",
    "Chi": "Χ", "chi": "χ", "circ": "ˆ", "clubs": "♣", "cong": "≅", "copy": "©", "crarr": "↵",
    "cup": "∪", "curren": "¤", "Dagger": "‡", "dagger": "†", "dArr": "⇓", "darr": "↓", "deg": "°",
    "Delta": "Δ", "delta": "δ", "diams": "♦", "divide": "÷", "Eacute": "É", "eacute": "é",
    "Ecirc": "Ê", "ecirc": "ê", "Egrave": "È", "egrave": "è", "empty": "∅", "emsp": "\u{2003}",
    "ensp": "\u{2002}", "Epsilon": "Ε", "epsilon": "ε", "equiv": "≡", "Eta": "Η", "eta": "η",
    "ETH": "Ð", "eth": "ð", "Euml": "Ë", "euml": "ë", "euro": "€", "exist": "∃", "fnof": "ƒ",
    "forall": "∀", "frac12": "½", "frac14": "¼", "frac34": "¾", "frasl": "⁄", "Gamma": "Γ",
    "gamma": "γ", "ge": "≥", "gt": ">", "hArr": "⇔", "harr": "↔", "hearts": "♥", "hellip": "…",
    "Iacute": "Í", "iacute": "í", "Icirc": "Î", "icirc": "î", "iexcl": "¡", "Igrave": "Ì",
    "igrave": "ì", "image": "ℑ", "infin": "∞", "int": "∫", "Iota": "Ι", "iota": "ι", "iquest": "¿",
    "isin": "∈", "Iuml": "Ï", "iuml": "ï", "Kappa": "Κ", "kappa": "κ", "Lambda": "Λ", "lambda": "λ",
    "lang": "〈", "laquo": "«", "lArr": "⇐", "larr": "←", "lceil": "⌈", "ldquo": "“", "le": "≤",
    "lfloor": "⌊", "lowast": "∗", "loz": "◊", "lrm": "", "lsaquo": "‹", "lsquo": "‘", "lt": "<",
    "macr": "¯", "mdash": "—", "micro": "µ", "middot": "·", "minus": "−", "Mu": "Μ", "mu": "μ",
    "nabla": "∇", "nbsp": "\u{A0}", "ndash": "–", "ne": "≠", "ni": "∋", "not": "¬", "notin": "∉",
    "nsub": "⊄", "Ntilde": "Ñ", "ntilde": "ñ", "Nu": "Ν", "nu": "ν", "Oacute": "Ó", "oacute": "ó",
    "Ocirc": "Ô", "ocirc": "ô", "OElig": "Œ", "oelig": "œ", "Ograve": "Ò", "ograve": "ò",
    "oline": "‾", "Omega": "Ω", "omega": "ω", "Omicron": "Ο", "omicron": "ο", "oplus": "⊕",
    "or": "∨", "ordf": "ª", "ordm": "º", "Oslash": "Ø", "oslash": "ø", "Otilde": "Õ", "otilde": "õ",
    "otimes": "⊗", "Ouml": "Ö", "ouml": "ö", "para": "¶", "part": "∂", "permil": "‰", "perp": "⊥",
    "Phi": "Φ", "phi": "φ", "Pi": "Π", "pi": "π", "piv": "ϖ", "plusmn": "±", "pound": "£",
    "Prime": "″", "prime": "′", "prod": "∏", "prop": "∝", "Psi": "Ψ", "psi": "ψ", "quot": "\"",
    "radic": "√", "rang": "〉", "raquo": "»", "rArr": "⇒", "rarr": "→", "rceil": "⌉", "rdquo": "”",
    "real": "ℜ", "reg": "®", "rfloor": "⌋", "Rho": "Ρ", "rho": "ρ", "rlm": "", "rsaquo": "›",
    "rsquo": "’", "sbquo": "‚", "Scaron": "Š", "scaron": "š", "sdot": "⋅", "sect": "§", "shy": "",
    "Sigma": "Σ", "sigma": "σ", "sigmaf": "ς", "sim": "∼", "spades": "♠", "sub": "⊂", "sube": "⊆",
    "sum": "∑", "sup": "⊃", "sup1": "¹", "sup2": "²", "sup3": "³", "supe": "⊇", "szlig": "ß",
    "Tau": "Τ", "tau": "τ", "there4": "∴", "Theta": "Θ", "theta": "θ", "thetasym": "ϑ",
    "thinsp": "\u{2009}", "THORN": "Þ", "thorn": "þ", "tilde": "˜", "times": "×", "trade": "™",
    "Uacute": "Ú", "uacute": "ú", "uArr": "⇑", "uarr": "↑", "Ucirc": "Û", "ucirc": "û",
    "Ugrave": "Ù", "ugrave": "ù", "uml": "¨", "upsih": "ϒ", "Upsilon": "Υ", "upsilon": "υ",
    "Uuml": "Ü", "uuml": "ü", "weierp": "℘", "Xi": "Ξ", "xi": "ξ", "Yacute": "Ý", "yacute": "ý",
    "yen": "¥", "Yuml": "Ÿ", "yuml": "ÿ", "Zeta": "Ζ", "zeta": "ζ", "zwj": "", "zwnj": "",
  ]
}
