import Foundation
import Testing
import TestSupport

/// What the commands do with a `--db` that is not an AutoCapture database: only `import`
/// writes a schema; every other command refuses the file, in words, and leaves it as it was.
@Suite struct DatabaseFileEndToEndTests {
  @Test func anEmptyFileIsRefusedByEveryCommandButImportAndStaysEmpty() throws {
    let dir = try Fixtures.temporaryDirectory("empty-db")
    defer { try? FileManager.default.removeItem(at: dir) }
    let db = dir.appendingPathComponent("crm.sqlite").path
    #expect(FileManager.default.createFile(atPath: db, contents: Data()))
    let commands: [[String]] = [
      ["timeline", "--record", "account:a-1", "--user", "dana"],
      ["addresses", "--record", "account:a-1"],
      ["settings", "--user", "dana"],
      ["sync", "--user", "dana"],
      ["track", "--record", "account:a-1", "--item", "mail:<x@y>", "--user", "dana"],
    ]
    for words in commands {
      let result = try CLIRunner.run(words + ["--db", db])
      #expect(result.status == 1, "\(words[0]): \(result.stderr)")
      #expect(result.stderr == "Error: \(db) is empty, not an AutoCapture CRM database "
        + "(create one with: autocapture import FILE.json --db \(db))\n", "\(words[0])")
      let size = try FileManager.default.attributesOfItem(atPath: db)[.size] as? Int
      #expect(size == 0, "\(words[0]) wrote into the empty file")
      #expect(!FileManager.default.fileExists(atPath: db + "-wal"), "\(words[0])")
    }
    let json = dir.appendingPathComponent("crm.json")
    try Data(#"{"leads": [{"id": "l-1"}]}"#.utf8).write(to: json)
    #expect(try CLIRunner.run(["import", json.path, "--db", db]).status == 0)
  }

  @Test(.requires("sqlite3"))
  func anotherProgramsSQLiteDatabaseIsRefusedWithoutAddingTables() throws {
    let dir = try Fixtures.temporaryDirectory("foreign-db")
    defer { try? FileManager.default.removeItem(at: dir) }
    let db = dir.appendingPathComponent("notes.sqlite").path
    let made = try CLIRunner.run(["-c", "sqlite3 '\(db)' 'CREATE TABLE notes(text); INSERT INTO notes VALUES (1);'"],
                                 executable: URL(fileURLWithPath: "/bin/sh"))
    try #require(made.status == 0, "sqlite3: \(made.stderr)")
    let result = try CLIRunner.run(["timeline", "--record", "account:a-1", "--user", "dana",
                                    "--db", db])
    #expect(result.status == 1)
    #expect(result.stderr.contains("an SQLite file without AutoCapture's tables"))
    let tables = try CLIRunner.run(["-c", "sqlite3 '\(db)' '.tables'"],
                                   executable: URL(fileURLWithPath: "/bin/sh"))
    #expect(tables.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "notes")
  }
}
