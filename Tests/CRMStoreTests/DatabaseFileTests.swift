@testable import CRMStore
import CaptureCore
import Foundation
import GRDB
import Testing
import TestSupport

/// Opening the database file: new, empty, written by a newer build, locked.
@Suite struct DatabaseFileTests {
  @Test func anEmptyFileIsMigratedToTheCurrentSchema() throws {
    let directory = try TestSupportDirectory()
    let path = directory.file("empty.sqlite")
    #expect(FileManager.default.createFile(atPath: path, contents: Data()))
    let store = try SQLiteCRMStore(path: path)
    #expect(try store.organization() == Organization())
    #expect(try store.recordSummaries().isEmpty)
    let tables = try DatabaseQueue(path: path).read { db in
      try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table'")
    }
    #expect(tables.contains("contact"))
    #expect(tables.contains("trackRequest"))
  }

  @Test func aNewFileIsCreatedInWALModeWithForeignKeys() throws {
    let directory = try TestSupportDirectory()
    let path = directory.file("new.sqlite")
    let store = try SQLiteCRMStore(path: path)
    _ = try store.users()
    let mode = try DatabaseQueue(path: path).read { db in
      try String.fetchOne(db, sql: "PRAGMA journal_mode")
    }
    #expect(mode == "wal")
  }

  @Test func reopeningAMigratedFileKeepsItsData() throws {
    let directory = try TestSupportDirectory()
    let path = directory.file("crm.sqlite")
    _ = try SQLiteCRMStore(path: path).importData(Data(#"{"leads": [{"id": "l-1"}]}"#.utf8))
    #expect(try SQLiteCRMStore(path: path).lead(id: "l-1")?.id == "l-1")
  }

  /// A file written by the first schema (before activities kept the sender's name) is
  /// migrated forward with its data, and then stores names.
  @Test func aFirstSchemaFileIsMigratedForwardKeepingItsActivities() throws {
    let directory = try TestSupportDirectory()
    let path = directory.file("v1.sqlite")
    let queue = try DatabaseQueue(path: path)
    try Schema.migrator.migrate(queue, upTo: "v1-crm")
    try queue.write { db in
      try db.execute(sql: """
        INSERT INTO activity (id, kind, subject, at, fromAddress)
        VALUES ('act-old', 'email', 'Old', '2026-01-01 00:00:00.000', 'ann@x.example')
        """)
    }
    #expect(try DatabaseQueue(path: path).read { db in
      try Int.fetchOne(db, sql: "PRAGMA user_version") } == 1)
    let store = try SQLiteCRMStore(path: path)
    let old = try #require(try store.activity(id: "act-old"))
    #expect(old.subject == "Old")
    #expect(old.fromName == nil)
    _ = try store.importData(Data(#"""
      {"activities": [{"id": "act-new", "kind": "email", "subject": "New",
        "at": "2026-01-02T00:00:00Z", "from": "ann@x.example", "fromName": "Ann"}]}
      """#.utf8))
    #expect(try store.activity(id: "act-new")?.fromName == "Ann")
    // Every later migration ran too: the file stores excluded addresses.
    _ = try store.importData(Data(#"""
      {"organization": {"name": "Old", "excludedAddresses": ["@x.example"]}}
      """#.utf8))
    #expect(try store.organization().excludedAddresses == [.domain("x.example")])
    #expect(try DatabaseQueue(path: path).read { db in
      try Int.fetchOne(db, sql: "PRAGMA user_version") } == Schema.version)
  }

  @Test func aDatabaseToMigrateThatHasAnUnknownMigrationIsRefusedAsNewer() throws {
    let directory = try TestSupportDirectory()
    let path = directory.file("crm.sqlite")
    _ = try SQLiteCRMStore(path: path)
    // A lower user_version sends the open through the migrator, which finds the stranger.
    try DatabaseQueue(path: path).writeWithoutTransaction { db in
      try db.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('v9-future')")
      try db.execute(sql: "PRAGMA user_version = 0")
    }
    #expect(throws: CRMError.newerSchema(path: path, found: "v9-future")) {
      try SQLiteCRMStore(path: path)
    }
  }

  @Test func aDatabaseWithAHigherUserVersionIsRefusedAsNewer() throws {
    let directory = try TestSupportDirectory()
    let path = directory.file("crm.sqlite")
    _ = try SQLiteCRMStore(path: path)
    try DatabaseQueue(path: path).writeWithoutTransaction { db in
      try db.execute(sql: "PRAGMA user_version = 42")
    }
    #expect(throws: CRMError.newerSchema(path: path, found: "42")) {
      try SQLiteCRMStore(path: path)
    }
  }

  @Test func aFileThatIsNotSQLiteIsRefusedNamingIt() throws {
    let directory = try TestSupportDirectory()
    let path = directory.file("notes.sqlite")
    try Data(String(repeating: "not a database\n", count: 100).utf8)
      .write(to: URL(fileURLWithPath: path))
    do {
      _ = try SQLiteCRMStore(path: path)
      Issue.record("a text file was opened as a database")
    } catch let error as CRMError {
      #expect(error.description.contains(path))
    }
  }

  @Test func aWriteWhileAnotherConnectionHoldsTheLockReportsBusyNamingTheFile() throws {
    let directory = try TestSupportDirectory()
    let path = directory.file("crm.sqlite")
    let store = try SQLiteCRMStore(path: path, busyTimeout: 0.2)
    _ = try store.importData(Data(#"{"users": [{"id": "dana"}]}"#.utf8))
    let other = try DatabaseQueue(path: path)
    try other.writeWithoutTransaction { db in
      try db.execute(sql: "BEGIN IMMEDIATE")
      defer { try? db.execute(sql: "ROLLBACK") }
      #expect(throws: CRMError.busy("\(path) is locked by another process (waited 0.2 s)")) {
        try store.setShowUntracked(userId: "dana", false)
      }
    }
    try store.setShowUntracked(userId: "dana", false)
    #expect(try store.user(matching: "dana")?.showUntracked == false)
  }
}

/// A temporary directory for one test.
struct TestSupportDirectory {
  let url: URL
  init() throws { url = try Fixtures.temporaryDirectory("crmstore") }
  func file(_ name: String) -> String { url.appendingPathComponent(name).path }
}

/// The CRM database's mode: created for its owner alone; an existing file keeps the mode it
/// was given (a team sharing one file on one machine opens it to a group).
@Suite struct CRMDatabaseModeTests {
  func mode(_ path: String) throws -> Int {
    try #require(try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int)
  }

  @Test func aNewDatabaseIsTheOwnersAloneAndAnExistingOneKeepsItsMode() throws {
    let directory = try TestSupportDirectory()
    let old = umask(0o022)
    defer { umask(old) }
    let fresh = directory.file("new.sqlite")
    _ = try SQLiteCRMStore(path: fresh).importData(Data(#"{"leads": [{"id": "l-1"}]}"#.utf8))
    #expect(try mode(fresh) == 0o600)
    let shared = directory.file("shared.sqlite")
    _ = try SQLiteCRMStore(path: shared)
    try FileManager.default.setAttributes([.posixPermissions: 0o660], ofItemAtPath: shared)
    _ = try SQLiteCRMStore(path: shared).importData(Data(#"{"leads": [{"id": "l-2"}]}"#.utf8))
    #expect(try mode(shared) == 0o660)
  }
}
