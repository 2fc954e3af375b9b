// The in-memory screen every frame is drawn into: a grid of cells, each a grapheme cluster
// with a style role. Screens write here; a ``Terminal`` shows it.

/// A rectangle of cells, origin at the top-left.
public struct Rect: Hashable, Sendable {
  public var x: Int
  public var y: Int
  public var width: Int
  public var height: Int

  public init(x: Int, y: Int, width: Int, height: Int) {
    self.x = x
    self.y = y
    self.width = max(0, width)
    self.height = max(0, height)
  }

  /// The rectangle shrunk by `amount` cells on every side (a box's interior).
  public func inset(by amount: Int) -> Rect {
    Rect(x: x + amount, y: y + amount, width: width - 2 * amount, height: height - 2 * amount)
  }

  public var maxX: Int { x + width }
  public var maxY: Int { y + height }
  public var isEmpty: Bool { width == 0 || height == 0 }
}

/// One screen cell.
///
/// A wide character (CJK, most emoji) lives in its left cell with `width == 2`; the cell to its
/// right is a continuation cell (`text == ""`, `width == 0`) that the terminal never draws.
public struct Cell: Hashable, Sendable {
  /// The grapheme cluster shown, `" "` for blank, `""` for a wide character's right half.
  public var text: String
  /// Columns the cluster occupies: 1, 2, or 0 for a continuation cell.
  public var width: Int
  /// How the cell is styled.
  public var role: StyleRole

  public init(text: String, width: Int, role: StyleRole) {
    self.text = text
    self.width = width
    self.role = role
  }

  /// A space in `role`.
  public static func blank(_ role: StyleRole = .normal) -> Cell {
    Cell(text: " ", width: 1, role: role)
  }

  /// True for the right half of a wide character.
  public var isContinuation: Bool { width == 0 }
}

/// A `width × height` grid of ``Cell``s with text drawing that clips by display width.
public struct ScreenBuffer: Hashable, Sendable {
  public let width: Int
  public let height: Int
  /// Row-major cells: `cells[y * width + x]`.
  public private(set) var cells: [Cell]

  /// A blank buffer in `role`.
  public init(width: Int, height: Int, role: StyleRole = .normal) {
    self.width = max(0, width)
    self.height = max(0, height)
    cells = Array(repeating: .blank(role), count: self.width * self.height)
  }

  /// The whole buffer as a rectangle.
  public var bounds: Rect { Rect(x: 0, y: 0, width: width, height: height) }

  /// The cell at column `x`, row `y` (both must be inside the buffer).
  public subscript(x: Int, y: Int) -> Cell {
    cells[y * width + x]
  }

  /// Writes a single cluster at (`x`, `y`), keeping wide characters whole: overwriting either
  /// half of a wide character blanks the other half.
  private mutating func set(_ cell: Cell, x: Int, y: Int) {
    let index = y * width + x
    let old = cells[index]
    if old.isContinuation && x > 0 {
      cells[index - 1] = .blank(cells[index - 1].role)
    }
    if old.width == 2 && x + 1 < width && cell.width != 2 {
      cells[index + 1] = .blank(old.role)
    }
    cells[index] = cell
    if cell.width == 2 {
      let next = cells[index + 1]
      if next.width == 2 && x + 2 < width { cells[index + 2] = .blank(next.role) }
      cells[index + 1] = Cell(text: "", width: 0, role: cell.role)
    }
  }

  /// Draws `text` on row `y` from column `x` in `role`, clipped to `maxWidth` columns and to
  /// the buffer; returns the column after the last cell written.
  ///
  /// Clipping is by display width: a wide character that would straddle the limit becomes a
  /// space. Control characters (including newlines and tabs) are shown as `�` so no escape
  /// sequence reaches the terminal; zero-width clusters (a lone combining mark) are skipped.
  @discardableResult
  public mutating func put(
    _ text: some StringProtocol, x: Int, y: Int, role: StyleRole, maxWidth: Int? = nil
  ) -> Int {
    guard y >= 0, y < height else { return x }
    let limit = min(width, maxWidth.map { x + max(0, $0) } ?? width)
    var column = x
    for character in text {
      if column >= limit { break }
      var cluster = String(character)
      var columns = displayWidth(of: character)
      if character.unicodeScalars.contains(where: isControl) {
        cluster = "\u{FFFD}"
        columns = 1
      }
      if columns == 0 { continue }
      if column < 0 {
        // Left of the buffer: skip, but a wide char whose right half lands at 0 leaves a space.
        if column + columns > 0 { set(.blank(role), x: 0, y: y) }
        column += columns
        continue
      }
      if column + columns > limit {
        set(.blank(role), x: column, y: y)
        column += 1
        break
      }
      set(Cell(text: cluster, width: columns, role: role), x: column, y: y)
      column += columns
    }
    return column
  }

  /// Fills `rect` (clipped to the buffer) with `character` in `role`.
  public mutating func fill(_ rect: Rect, with character: Character = " ", role: StyleRole) {
    // A wide fill character that does not fit the last column leaves a space (see `put`).
    let text = String(repeating: character, count: max(0, rect.width))
    for row in rect.y..<rect.maxY {
      put(text, x: rect.x, y: row, role: role, maxWidth: rect.width)
    }
  }

  /// Changes the role of every cell in `rect` without touching its text (to highlight a
  /// selected row after drawing it).
  public mutating func restyle(_ rect: Rect, role: StyleRole) {
    for row in max(0, rect.y)..<min(height, rect.maxY) {
      for column in max(0, rect.x)..<min(width, rect.maxX) {
        cells[row * width + column].role = role
      }
    }
  }

  /// Blanks the whole buffer in `role`.
  public mutating func clear(role: StyleRole = .normal) {
    for index in cells.indices { cells[index] = .blank(role) }
  }

  /// The rows as plain text, one string per row, wide characters once (for snapshots).
  public func text() -> [String] {
    (0..<height).map { row in
      var line = ""
      for column in 0..<width {
        line += cells[row * width + column].text
      }
      return line
    }
  }

  /// The rows as style letters, one per column (see ``StyleRole/snapshotLetter``); the right
  /// half of a wide character repeats its left half's letter so columns line up with `text()`
  /// as displayed.
  public func styleMap() -> [String] {
    (0..<height).map { row in
      String((0..<width).map { cells[row * width + $0].role.snapshotLetter })
    }
  }

  /// A stretch of changed cells on one row sharing a role: what a terminal must redraw.
  public struct Run: Hashable, Sendable {
    /// Column of the first cell.
    public var x: Int
    /// The row.
    public var y: Int
    /// The text to write there (continuation cells contribute nothing).
    public var text: String
    /// Columns the run covers.
    public var width: Int
    public var role: StyleRole

    public init(x: Int, y: Int, text: String, width: Int, role: StyleRole) {
      self.x = x
      self.y = y
      self.text = text
      self.width = width
      self.role = role
    }
  }

  /// The runs of cells that differ from `previous`; everything when `previous` is nil or a
  /// different size.
  ///
  /// A changed half of a wide character marks the whole character changed, so a run never
  /// starts or ends in the middle of one.
  public func diff(from previous: ScreenBuffer?) -> [Run] {
    let comparable = previous.map { $0.width == width && $0.height == height } ?? false
    var runs: [Run] = []
    for row in 0..<height {
      var changed = [Bool](repeating: !comparable, count: width)
      if comparable, let previous {
        for column in 0..<width
        where previous.cells[row * width + column] != cells[row * width + column] {
          changed[column] = true
        }
        for column in 0..<width where changed[column] {
          let cell = cells[row * width + column]
          if cell.isContinuation && column > 0 { changed[column - 1] = true }
          if cell.width == 2 && column + 1 < width { changed[column + 1] = true }
        }
      }
      var current: Run? = nil
      for column in 0..<width {
        let cell = cells[row * width + column]
        guard changed[column] else {
          if let run = current { runs.append(run) }
          current = nil
          continue
        }
        // The lead cell already covers its continuation (and is always marked with it).
        if cell.isContinuation { continue }
        if var run = current, run.role == cell.role {
          run.text += cell.text
          run.width += cell.width
          current = run
        } else {
          if let run = current { runs.append(run) }
          current = Run(x: column, y: row, text: cell.text, width: cell.width, role: cell.role)
        }
      }
      if let run = current { runs.append(run) }
    }
    return runs
  }
}
