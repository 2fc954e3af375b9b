import Foundation
import Testing
import TestSupport

/// Where the binary keeps its data and finds its config, and who may read them.
@Suite struct DataDirectoryEndToEndTests {
  func mode(_ url: URL) throws -> Int {
    let attributes = try FileManager.default.attributesOfItem(atPath: url.path)
    return (attributes[.posixPermissions] as? NSNumber)?.intValue ?? -1
  }

  /// The XDG Base Directory spec: a relative `XDG_DATA_HOME` is invalid and ignored. The
  /// demo workspace holds a mailbox and a CRM database, so it is the owner's alone, like the
  /// private index.
  @Test func theDemoWorkspaceIsPrivateAndARelativeDataHomeIsIgnored() throws {
    let home = try Fixtures.temporaryDirectory("autocapture-home")
    let workingDirectory = try Fixtures.temporaryDirectory("autocapture-cwd")
    let result = try CLIRunner.run(
      ["demo", "--prepare-only"],
      environment: ["HOME": home.path, "XDG_DATA_HOME": "relative-data"],
      directory: workingDirectory)
    #expect(result.status == 0, "\(result.stderr)")
    let data = home.appendingPathComponent(".local/share/autocapture")
    let demo = data.appendingPathComponent("demo")
    #expect(result.stdout.contains("demo workspace: \(demo.path)"), "\(result.stdout)")
    #expect(!FileManager.default.fileExists(
      atPath: workingDirectory.appendingPathComponent("relative-data").path))
    #expect(try mode(demo) == 0o700)
    #expect(try mode(data) == 0o700)
  }

  /// A relative `XDG_CONFIG_HOME` is ignored too: the config file is not looked for under
  /// whatever directory the command runs in.
  @Test func aRelativeConfigHomeIsIgnored() throws {
    let home = try Fixtures.temporaryDirectory("autocapture-home")
    let workingDirectory = try Fixtures.temporaryDirectory("autocapture-cwd")
    let config = workingDirectory.appendingPathComponent("relative-config/autocapture")
    try FileManager.default.createDirectory(at: config, withIntermediateDirectories: true)
    try "this is [not TOML\n".write(
      to: config.appendingPathComponent("config.toml"), atomically: true, encoding: .utf8)
    let maildir = workingDirectory.appendingPathComponent("Mail")
    for sub in ["cur", "new", "tmp"] {
      try FileManager.default.createDirectory(
        at: maildir.appendingPathComponent(sub), withIntermediateDirectories: true)
    }
    let result = try CLIRunner.run(
      ["index", "--maildir", maildir.path, "--index-dir",
       workingDirectory.appendingPathComponent("index").path],
      environment: ["HOME": home.path, "XDG_CONFIG_HOME": "relative-config",
                    "AUTOCAPTURE_CONFIG": ""],
      directory: workingDirectory)
    #expect(result.status == 0, "\(result.stderr)")
  }
}
