import Foundation
import Testing
import TestSupport

/// The rules that keep a CI run honest: snapshots are never re-recorded there, and `CI`
/// is read as runners set it.
@Suite struct TestEnvironmentTests {
  @Test func recordingSnapshotsIsRefusedUnderCI() throws {
    #expect(throws: Snapshot.RecordingUnderCI.self) {
      try Snapshot.isRecording(["RECORD_SNAPSHOTS": "1", "CI": "true"])
    }
    #expect(try Snapshot.isRecording(["RECORD_SNAPSHOTS": "1"]))
    #expect(try Snapshot.isRecording(["RECORD_SNAPSHOTS": "1", "CI": "false"]))
    #expect(try !Snapshot.isRecording(["RECORD_SNAPSHOTS": "0", "CI": "true"]))
    #expect(try !Snapshot.isRecording(["CI": "1"]))
  }

  @Test func ciIsSetByAnyValueButEmptyZeroOrFalse() {
    #expect(TestEnvironment.isCI(["CI": "true"]))
    #expect(TestEnvironment.isCI(["CI": "1"]))
    #expect(TestEnvironment.isCI(["CI": "yes"]))
    for off in ["", "0", "false", "FALSE"] { #expect(!TestEnvironment.isCI(["CI": off]), "\(off)") }
    #expect(!TestEnvironment.isCI([:]))
  }
}
