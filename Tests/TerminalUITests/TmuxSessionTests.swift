import Foundation
import Testing
import TestSupport

@Suite(.serialized) struct TmuxSessionTests {
  @Test(.requires("tmux"))
  func printfOutputIsCapturedIncludingWideCharacters() throws {
    let session = try TmuxSession(
      command: "printf 'ready 会議 ✓\\n'; exec cat", width: 40, height: 5)
    defer { session.kill() }
    let screen = try session.waitFor("ready", timeout: .seconds(10))
    #expect(screen.contains("ready 会議 ✓"))
  }

  @Test(.requires("tmux"))
  func sentKeysReachTheProgram() throws {
    let session = try TmuxSession(command: "exec cat", width: 40, height: 5)
    defer { session.kill() }
    try session.type("echo-me")
    try session.send(keys: "Enter")
    let screen = try session.waitUntil("echo-me twice") {
      $0.components(separatedBy: "echo-me").count - 1 >= 2
    }
    #expect(screen.contains("echo-me"))
  }

  @Test(.requires("tmux"))
  func resizeChangesThePaneSize() throws {
    let session = try TmuxSession(
      command: "while :; do stty size; read -r _; done", width: 40, height: 10)
    defer { session.kill() }
    try session.waitFor("10 40")
    try session.resize(width: 60, height: 12)
    try session.send(keys: "Enter")
    try session.waitFor("12 60")
  }

  @Test(.requires("tmux"))
  func waitingForAbsentTextTimesOutShowingTheScreen() throws {
    let session = try TmuxSession(command: "printf 'only this\\n'; exec cat", width: 30, height: 4)
    defer { session.kill() }
    try session.waitFor("only this")
    let error = #expect(throws: TmuxError.self) {
      try session.waitFor("never", timeout: .milliseconds(200))
    }
    #expect(error?.message.contains("only this") == true)
  }
}
