import AutoCaptureApp
import CaptureCore
import Foundation
import TerminalUI
import Testing

/// How the timeline pane scrolls: between tiles, and inside an open tile's body.
@Suite struct TimelineScrollTests {
  static let now = AppFixture.now

  /// Untracked emails, newest first: each tile takes 5 rows (border, subject, meta, hint).
  static func emails(_ count: Int) -> [TimelineItem] {
    (0..<count).map { n in
      TimelineItem(id: "mail:<m\(n)@t>", kind: .email, state: .untracked, subject: "Mail \(n)",
                   at: now.addingTimeInterval(Double(-3600 * (n + 1))), messageId: "<m\(n)@t>",
                   from: EmailAddress(normalized: "ann@fabrikam.example"))
    }
  }

  func state(_ items: [TimelineItem]) -> AppState {
    var s = AppFixture.state(items: items)
    s.focus = .timeline
    return s
  }

  /// A collapsed last tile is not left alone at the top of an empty pane.
  @Test func closingTheLastTileBringsTheTilesAboveBackIntoThePane() {
    var s = state(Self.emails(12))
    _ = reduce(&s, .command(.bottom))
    _ = reduce(&s, .command(.toggleExpand))
    _ = reduce(&s, .bodyLoaded(itemId: "mail:<m11@t>",
                               (1...40).map { "line \($0)" }.joined(separator: "\n")))
    _ = s.render()
    _ = reduce(&s, .command(.close))
    let screen = s.render()
    // 80×24: rows 2 to 21 hold four 5-row tiles, Mail 8 to Mail 11, subjects on 3 to 18.
    #expect(s.timelineOffset == 8)
    #expect(screen.firstIndex { $0.contains("Mail 8 ") } == 3)
    #expect(screen.firstIndex { $0.contains("Mail 11") } == 18)
  }

  /// PgDn in an open tile at 80×24 skips no line.
  @Test func pageDownInAnOpenTileShowsTheLineAfterTheLastOneShown() {
    var s = state(Self.emails(1))
    _ = reduce(&s, .command(.toggleExpand))
    _ = reduce(&s, .bodyLoaded(itemId: "mail:<m0@t>",
                               (1...40).map { String(format: "line %02d", $0) }
                                 .joined(separator: "\n")))
    func shown(_ rows: [String]) -> [Int] {
      rows.compactMap { row in
        row.range(of: "line ").flatMap { Int(row[$0.upperBound...].prefix(2)) }
      }
    }
    let first = shown(s.render())
    #expect(first.first == 1)
    #expect(s.render().contains { $0.contains("more") })
    _ = reduce(&s, .command(.pageDown))
    let second = shown(s.render())
    #expect(second.first == (first.last ?? 0) + 1)
    _ = reduce(&s, .command(.pageUp))
    #expect(shown(s.render()) == first)
  }
}

@Suite struct TimelineHintTests {
  /// The status line offered "Enter open" on a tile already open, where Enter closes it.
  @Test func theStatusLineOffersEnterToCloseAnOpenTileAndToOpenAClosedOne() {
    var s = AppFixture.state(items: TimelineScrollTests.emails(3))
    s.focus = .timeline
    #expect(s.render()[23].contains("Enter open"))
    _ = reduce(&s, .command(.toggleExpand))
    #expect(s.render()[23].contains("Enter close"))
    _ = reduce(&s, .command(.moveDown))
    #expect(s.render()[23].contains("Enter open"), "the cursor left the open tile")
  }
}

@Suite struct OpenTileHeightTests {
  func openTile(_ state: ItemState, width: Int = 80, height: Int = 24) -> [String] {
    var item = TimelineScrollTests.emails(1)[0]
    item.state = state
    var s = AppFixture.state(items: [item], width: width, height: height)
    s.focus = .timeline
    _ = reduce(&s, .command(.toggleExpand))
    let body = (1...80).map { "line \($0)" }.joined(separator: "\n")
    _ = reduce(&s, .bodyLoaded(itemId: item.id, body))
    return s.render()
  }

  /// An open message longer than the pane leaves no rows blank under its tile: at 60×16
  /// it shows the 8 lines that fit, not 6.
  @Test func anOpenLongMessageFillsThePaneDownToItsBorder() {
    for state in [ItemState.tracked, .untracked] {
      for (width, height) in [(80, 24), (60, 16), (100, 30)] {
        let screen = openTile(state, width: width, height: height)
        // The pane's bottom border is row height-2; the tile's own is the row above it.
        let tileBottom = screen[height - 3]
        #expect(tileBottom.contains("└") || tileBottom.contains("┘"),
                "\(state) at \(width)×\(height): \(tileBottom)")
        #expect(tileBottom.contains("more"), "the tile's border, with its scroll marks")
      }
    }
  }
}

@Suite struct OpenTileEndsTests {
  func openLongMessage() -> AppState {
    var s = AppFixture.state(items: TimelineScrollTests.emails(3))
    s.focus = .timeline
    _ = reduce(&s, .command(.toggleExpand))
    let body = (1...500).map { "line \($0)" }.joined(separator: "\n")
    _ = reduce(&s, .bodyLoaded(itemId: "mail:<m0@t>", body))
    _ = s.render()
    return s
  }

  /// End and G go to the end of a long open message, as in mutt's pager or less, not a
  /// PgDn per screenful (500 lines: 36); Home and g go back to its top.
  @Test func endAndGGoToTheEndOfTheOpenMessageAndHomeAndGBackToItsTop() {
    var s = openLongMessage()
    _ = reduce(&s, .command(.bottom))
    var screen = s.render().joined(separator: "\n")
    #expect(screen.contains("line 500"))
    #expect(!screen.contains("line 1 "))
    #expect(s.currentItem?.id == "mail:<m0@t>", "the cursor stays on the open message")
    _ = reduce(&s, .command(.top))
    screen = s.render().joined(separator: "\n")
    #expect(screen.contains("line 1 "))
    #expect(!screen.contains("line 500"))
  }

  @Test func endOnAClosedTileStillGoesToTheLastTile() {
    var s = openLongMessage()
    _ = reduce(&s, .command(.toggleExpand))
    _ = reduce(&s, .command(.bottom))
    #expect(s.currentItem?.id == "mail:<m2@t>")
  }
}

@Suite struct TimelineTitleTests {
  /// The pane's title read "Timeline · 1 items".
  @Test func theTimelineTitleCountsOneItemInTheSingular() {
    var one = AppFixture.state(items: TimelineScrollTests.emails(1))
    #expect(one.render()[1].contains("Timeline · 1 item "))
    var many = AppFixture.state(items: TimelineScrollTests.emails(2))
    #expect(many.render()[1].contains("Timeline · 2 items "))
  }
}

@Suite struct EmptyTimelineHintTests {
  /// With no tile to open or track, the status line still offered "Enter open" and "t track".
  @Test func anEmptyTimelineOffersNeitherEnterNorT() {
    var s = AppFixture.state(items: [])
    s.focus = .timeline
    let status = s.render()[23]
    #expect(!status.contains("Enter open") && !status.contains("t track"), "\(status)")
    #expect(status.contains("h records"))
  }
}
