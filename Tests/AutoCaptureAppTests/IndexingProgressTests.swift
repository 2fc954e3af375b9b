import AutoCaptureApp
import CaptureCore
import Foundation
import TerminalUI
import Testing

/// A first index of a large mailbox takes seconds: the timeline pane says how far it has got.
@Suite struct IndexingProgressTests {
  @Test func theLoadingPaneCountsTheMessagesIndexedThenGivesWayToTheTimeline() {
    var s = AppFixture.state()
    s.timeline = .loading(AppFixture.fabrikam.ref)
    #expect(s.render().contains { $0.contains("Loading…") })
    _ = reduce(&s, .indexing(done: 2048, total: 100_000))
    #expect(s.render().contains { $0.contains("Indexing your mailbox: 2,048 of 100,000") })
    let timeline = Timeline(record: AppFixture.fabrikam, notice: nil, items: [], problems: [])
    _ = reduce(&s, .timelineLoaded(AppFixture.fabrikam.ref, timeline))
    #expect(s.indexing == nil)
    #expect(!s.render().joined().contains("Indexing"))
  }

  @Test func aFailedLoadEndsTheProgressToo() {
    var s = AppFixture.state()
    s.timeline = .loading(AppFixture.fabrikam.ref)
    _ = reduce(&s, .indexing(done: 0, total: 10))
    _ = reduce(&s, .timelineFailed(AppFixture.fabrikam.ref, "index is locked"))
    #expect(s.indexing == nil)
  }
}
