// A theme: the style of each ``StyleRole``, with helix-style fallback for roles it leaves out.

/// A partial style as written in a theme: any of its parts may be left to the parent role.
public struct StyleSpec: Hashable, Sendable {
  /// Foreground colour, or nil to take the parent role's.
  public var foreground: Color?
  /// Background colour, or nil to take the parent role's.
  public var background: Color?
  /// Attributes, or nil to take the parent role's (an empty set switches them all off).
  public var attributes: TextAttributes?

  public init(
    foreground: Color? = nil, background: Color? = nil, attributes: TextAttributes? = nil
  ) {
    self.foreground = foreground
    self.background = background
    self.attributes = attributes
  }

  /// `self` with its unset parts taken from `parent`.
  func filled(from parent: Style) -> Style {
    Style(
      foreground: foreground ?? parent.foreground, background: background ?? parent.background,
      attributes: attributes ?? parent.attributes)
  }
}

/// Maps every style role to a concrete ``Style``.
///
/// A theme stores only the roles it defines; ``style(for:)`` resolves a role by walking its
/// ``StyleRole/fallbackChain`` from `normal` down, each defined role overriding the parts it
/// sets. So `tile.private.border` with no entry looks like `tile.private`, and a `tile.private`
/// that sets only a foreground keeps `normal`'s background.
public struct Theme: Hashable, Sendable {
  /// The theme's name (its file name without `.toml`).
  public var name: String
  /// The roles this theme defines explicitly.
  public var specs: [StyleRole: StyleSpec]
  /// Colour depth the styles are degraded to when resolved.
  public var colorDepth: ColorDepth

  public init(
    name: String, specs: [StyleRole: StyleSpec], colorDepth: ColorDepth = .trueColor
  ) {
    self.name = name
    self.specs = specs
    self.colorDepth = colorDepth
  }

  /// The resolved style of `role`, degraded to ``colorDepth``.
  public func style(for role: StyleRole) -> Style {
    var style = Style()
    for ancestor in role.fallbackChain.reversed() {
      if let spec = specs[ancestor] { style = spec.filled(from: style) }
    }
    return style.degraded(to: colorDepth)
  }

  /// This theme shown on a terminal of `depth` colours.
  public func adapted(to depth: ColorDepth) -> Theme {
    var copy = self
    copy.colorDepth = depth
    return copy
  }

  /// The dark theme built into the program, so it runs with no theme files at all.
  ///
  /// `Themes/default.toml` states the same styles; a test keeps the two equal.
  public static let builtInDefault = Theme(
    name: "default",
    specs: [
      .normal: StyleSpec(foreground: .default, background: .default, attributes: []),
      .dim: StyleSpec(foreground: .ansi(8)),
      .header: StyleSpec(foreground: .ansi(14), attributes: .bold),
      .status: StyleSpec(foreground: .ansi(15), background: .indexed(236)),
      .statusKey: StyleSpec(foreground: .ansi(11), background: .indexed(236), attributes: .bold),
      .notice: StyleSpec(foreground: .ansi(10)),
      .error: StyleSpec(foreground: .ansi(9), attributes: .bold),
      .selection: StyleSpec(foreground: .ansi(15), background: .indexed(24), attributes: .bold),
      .border: StyleSpec(foreground: .ansi(8)),
      .borderFocused: StyleSpec(foreground: .ansi(12), attributes: .bold),
      .listGroup: StyleSpec(foreground: .ansi(13), attributes: .bold),
      .listItem: StyleSpec(foreground: .default),
      .listCount: StyleSpec(foreground: .ansi(8)),
      .tile: StyleSpec(foreground: .default),
      .tileTracked: StyleSpec(foreground: .default, attributes: []),
      .tileTrackedBorder: StyleSpec(foreground: .ansi(6)),
      .tilePrivate: StyleSpec(foreground: .ansi(8), attributes: .dim),
      .tilePrivateBorder: StyleSpec(foreground: .ansi(8), attributes: .dim),
      .tilePrivateLabel: StyleSpec(foreground: .ansi(8), attributes: [.italic]),
      .tilePending: StyleSpec(foreground: .ansi(11)),
      .tileFailed: StyleSpec(foreground: .ansi(9)),
      .tileSelectedBorder: StyleSpec(foreground: .ansi(12), attributes: .bold),
      .tileBody: StyleSpec(foreground: .default),
      .tileMeta: StyleSpec(foreground: .ansi(8)),
      .helpKey: StyleSpec(foreground: .ansi(11), attributes: .bold),
      .helpText: StyleSpec(foreground: .default),
      .settingsKey: StyleSpec(foreground: .default),
      .settingsValue: StyleSpec(foreground: .ansi(14)),
      .filter: StyleSpec(foreground: .ansi(11)),
      .overlay: StyleSpec(foreground: .default, background: .indexed(235)),
      .overlayBorder: StyleSpec(foreground: .ansi(12), background: .indexed(235)),
    ])
}
