// Colours, text attributes and the terminal's colour capability.
//
// Themes may name any colour (hex included); ``Style/degraded(to:)`` maps it to what the
// terminal can show, so one theme file serves a true-colour terminal, the Linux console and
// `NO_COLOR`.

/// A terminal colour.
public enum Color: Hashable, Sendable, CustomStringConvertible {
  /// The terminal's own foreground or background.
  case `default`
  /// One of the 16 ANSI colours (0–7 normal, 8–15 bright).
  case ansi(UInt8)
  /// An entry of the xterm 256-colour palette.
  case indexed(UInt8)
  /// A 24-bit colour.
  case rgb(UInt8, UInt8, UInt8)

  /// ANSI colour names accepted in themes, by index (`gray`/`grey` alias `bright-black`).
  public static let ansiNames: [String] = [
    "black", "red", "green", "yellow", "blue", "magenta", "cyan", "white",
    "bright-black", "bright-red", "bright-green", "bright-yellow", "bright-blue",
    "bright-magenta", "bright-cyan", "bright-white",
  ]

  /// Parses `default`, an ANSI name, `gray`/`grey`, `#rrggbb`, or a 256-palette index written
  /// as a decimal string; nil when it is none of these.
  public init?(parsing text: String) {
    let name = text.lowercased()
    if name == "default" || name == "reset" {
      self = .default
    } else if name == "gray" || name == "grey" {
      self = .ansi(8)
    } else if let index = Color.ansiNames.firstIndex(of: name) {
      self = .ansi(UInt8(index))
    } else if name.hasPrefix("#"), name.count == 7, name.dropFirst().allSatisfy(\.isHexDigit),
      let value = UInt32(name.dropFirst(), radix: 16)
    {
      self = .rgb(UInt8(value >> 16 & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF))
    } else if let index = UInt8(name) {
      self = .indexed(index)
    } else {
      return nil
    }
  }

  public var description: String {
    switch self {
    case .default: "default"
    case .ansi(let index): Color.ansiNames[Int(index) & 15]
    case .indexed(let index): "\(index)"
    case .rgb(let red, let green, let blue):
      "#" + [red, green, blue].map { hex2($0) }.joined()
    }
  }

  /// The red, green and blue components (xterm's defaults for ANSI and palette colours);
  /// nil for `.default`. Direct-colour terminals need every colour as RGB.
  public var rgbComponents: (red: UInt8, green: UInt8, blue: UInt8)? {
    switch self {
    case .default: return nil
    case .rgb(let red, let green, let blue): return (red, green, blue)
    case .ansi(let index), .indexed(let index):
      let (red, green, blue) = rgbOfIndex256(index)
      return (UInt8(red), UInt8(green), UInt8(blue))
    }
  }

  /// This colour in the richest form `depth` can show (`.default` when it shows none).
  public func degraded(to depth: ColorDepth) -> Color {
    switch (self, depth) {
    case (.default, _), (_, .trueColor): return self
    case (_, .monochrome): return .default
    case (.rgb(let red, let green, let blue), .indexed256):
      return .indexed(nearestIndex256(red, green, blue))
    case (.ansi, .indexed256), (.indexed, .indexed256): return self
    case (.ansi(let index), .ansi16): return .ansi(index)
    case (.indexed(let index), .ansi16) where index < 16: return .ansi(index)
    case (.indexed(let index), .ansi16):
      let (red, green, blue) = rgbOfIndex256(index)
      return .ansi(nearestANSI(red, green, blue, count: 16))
    case (.rgb(let red, let green, let blue), .ansi16):
      return .ansi(nearestANSI(red, green, blue, count: 16))
    case (_, .ansi8):
      guard case .ansi(let index) = degraded(to: .ansi16) else { return .default }
      return .ansi(index & 7)
    }
  }
}

/// How many colours the terminal can show.
public enum ColorDepth: Int, Comparable, Sendable, CaseIterable {
  /// No colours (`NO_COLOR` or a terminal without colour): attributes only.
  case monochrome = 0
  /// The 8 basic ANSI colours.
  case ansi8 = 8
  /// 8 colours plus their bright variants.
  case ansi16 = 16
  /// The xterm 256-colour palette.
  case indexed256 = 256
  /// 24-bit colour.
  case trueColor = 16_777_216

  /// The depth for a terminal reporting `colors` colours.
  public init(colorCount colors: Int) {
    switch colors {
    case ..<8: self = .monochrome
    case 8..<16: self = .ansi8
    case 16..<256: self = .ansi16
    case 256..<16_777_216: self = .indexed256
    default: self = .trueColor
    }
  }

  /// `NO_COLOR` set to a non-empty value forces monochrome (https://no-color.org).
  public static func honoringNoColor(
    _ depth: ColorDepth, environment: [String: String]
  ) -> ColorDepth {
    if let value = environment["NO_COLOR"], !value.isEmpty { return .monochrome }
    return depth
  }

  public static func < (lhs: ColorDepth, rhs: ColorDepth) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// Text attributes a style may switch on.
public struct TextAttributes: OptionSet, Hashable, Sendable {
  public let rawValue: UInt8
  public init(rawValue: UInt8) { self.rawValue = rawValue }

  public static let bold = TextAttributes(rawValue: 1 << 0)
  public static let dim = TextAttributes(rawValue: 1 << 1)
  public static let italic = TextAttributes(rawValue: 1 << 2)
  public static let underline = TextAttributes(rawValue: 1 << 3)
  public static let reverse = TextAttributes(rawValue: 1 << 4)

  /// Theme-file names of the attributes, in the order they are written.
  public static let names: [(String, TextAttributes)] = [
    ("bold", .bold), ("dim", .dim), ("italic", .italic), ("underline", .underline),
    ("reverse", .reverse),
  ]
}

/// What a cell looks like: colours and attributes, fully resolved.
public struct Style: Hashable, Sendable {
  public var foreground: Color
  public var background: Color
  public var attributes: TextAttributes

  public init(
    foreground: Color = .default, background: Color = .default, attributes: TextAttributes = []
  ) {
    self.foreground = foreground
    self.background = background
    self.attributes = attributes
  }

  /// This style as a terminal of `depth` should show it.
  ///
  /// Colours degrade hex → 256 → 16 → 8. On 8 colours a bright foreground becomes its normal
  /// colour in bold (how old terminals showed brightness) and gray becomes white dimmed, so it
  /// stays visible on a black background. In monochrome every colour is dropped and a style
  /// that relied on a background colour (selection, status line) turns to reverse video so it
  /// remains distinguishable.
  public func degraded(to depth: ColorDepth) -> Style {
    var result = Style(
      foreground: foreground.degraded(to: depth), background: background.degraded(to: depth),
      attributes: attributes)
    switch depth {
    case .monochrome:
      if background != .default { result.attributes.insert(.reverse) }
    case .ansi8:
      if case .ansi(let index) = foreground.degraded(to: .ansi16), index >= 8 {
        result.attributes.insert(index == 8 ? .dim : .bold)
        result.foreground = .ansi(index == 8 ? 7 : index & 7)
      }
    default: break
    }
    return result
  }
}

// MARK: - Colour arithmetic

private func hex2(_ value: UInt8) -> String {
  let digits = String(value, radix: 16)
  return digits.count == 1 ? "0" + digits : digits
}

/// The six levels of each channel in the xterm 6×6×6 colour cube.
private let cubeLevels: [Int] = [0, 95, 135, 175, 215, 255]

/// The RGB value of an xterm 256-palette entry (16 ANSI, 6×6×6 cube, 24 grays).
func rgbOfIndex256(_ index: UInt8) -> (Int, Int, Int) {
  let value = Int(index)
  if value < 16 { return ansiRGB[value] }
  if value >= 232 {
    let level = 8 + (value - 232) * 10
    return (level, level, level)
  }
  let cube = value - 16
  return (cubeLevels[cube / 36], cubeLevels[cube / 6 % 6], cubeLevels[cube % 6])
}

/// The xterm default RGB values of the 16 ANSI colours.
private let ansiRGB: [(Int, Int, Int)] = [
  (0, 0, 0), (205, 0, 0), (0, 205, 0), (205, 205, 0), (0, 0, 238), (205, 0, 205),
  (0, 205, 205), (229, 229, 229), (127, 127, 127), (255, 0, 0), (0, 255, 0), (255, 255, 0),
  (92, 92, 255), (255, 0, 255), (0, 255, 255), (255, 255, 255),
]

private func distance(_ a: (Int, Int, Int), _ b: (Int, Int, Int)) -> Int {
  let red = a.0 - b.0
  let green = a.1 - b.1
  let blue = a.2 - b.2
  return red * red * 3 + green * green * 4 + blue * blue * 2
}

/// The nearest xterm palette entry (cube or gray ramp) to an RGB colour.
func nearestIndex256(_ red: UInt8, _ green: UInt8, _ blue: UInt8) -> UInt8 {
  let target = (Int(red), Int(green), Int(blue))
  func nearestLevel(_ channel: Int) -> Int {
    var best = 0
    for (index, level) in cubeLevels.enumerated()
    where abs(level - channel) < abs(cubeLevels[best] - channel) {
      best = index
    }
    return best
  }
  let cube = (nearestLevel(target.0), nearestLevel(target.1), nearestLevel(target.2))
  let cubeIndex = 16 + cube.0 * 36 + cube.1 * 6 + cube.2
  let average = (target.0 + target.1 + target.2) / 3
  let grayStep = max(0, min(23, (average - 3) / 10))
  let grayIndex = 232 + grayStep
  let cubeDistance = distance(target, rgbOfIndex256(UInt8(cubeIndex)))
  let grayDistance = distance(target, rgbOfIndex256(UInt8(grayIndex)))
  return UInt8(grayDistance < cubeDistance ? grayIndex : cubeIndex)
}

/// The nearest of the first `count` ANSI colours to an RGB colour.
func nearestANSI(_ red: Int, _ green: Int, _ blue: Int, count: Int) -> UInt8 {
  var best = 0
  var bestDistance = Int.max
  for index in 0..<count {
    let candidate = distance((red, green, blue), ansiRGB[index])
    if candidate < bestDistance {
      best = index
      bestDistance = candidate
    }
  }
  return UInt8(best)
}

private func nearestANSI(_ red: UInt8, _ green: UInt8, _ blue: UInt8, count: Int) -> UInt8 {
  nearestANSI(Int(red), Int(green), Int(blue), count: count)
}
