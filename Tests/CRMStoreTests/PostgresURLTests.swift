#if PostgreSQL
import CaptureCore
import Foundation
import PostgresCRMStore
import TestSupport
import Testing

/// `--db postgresql://…` read as libpq reads it; the password never shows.
@Suite struct PostgresURLTests {
  @Test func bothSchemesAndTheDefaults() throws {
    let url = try PostgresURL(parsing: "postgres://dana@db.example/crm", environment: [:])
    #expect(url.user == "dana" && url.host == "db.example" && url.port == 5432)
    #expect(url.database == "crm" && url.password == nil && url.sslMode == .prefer)
    let full = try PostgresURL(
      parsing: "postgresql://dana:s%40cret@127.0.0.1:6543/crm?sslmode=verify-full",
      environment: [:])
    #expect(full.password == "s@cret" && full.port == 6543 && full.sslMode == .verifyFull)
    #expect(full.description == "postgresql://dana@127.0.0.1:6543/crm")
    #expect(!"\(full)".contains("cret"))
  }

  @Test func thePasswordComesFromPGPASSWORDWhenTheURLHasNone() throws {
    let url = try PostgresURL(parsing: "postgresql://dana@h/crm",
                              environment: ["PGPASSWORD": "from-env"])
    #expect(url.password == "from-env")
    let given = try PostgresURL(parsing: "postgresql://dana:given@h/crm",
                                environment: ["PGPASSWORD": "from-env"])
    #expect(given.password == "given")
  }

  @Test func thePasswordFileMatchesAsLibpqDoes() throws {
    let dir = try Fixtures.temporaryDirectory("pgpass")
    let file = dir.appendingPathComponent("pgpass")
    try """
      # comment
      other:5432:crm:dana:wrong
      db.example:5432:crm:eli:not-dana
      db.example:*:crm:dana:pa\\:ss
      *:*:*:*:fallback
      """.write(to: file, atomically: true, encoding: .utf8)
    try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: file.path)
    let env = ["PGPASSFILE": file.path]
    #expect(try PostgresURL(parsing: "postgresql://dana@db.example/crm", environment: env)
      .password == "pa:ss")
    #expect(try PostgresURL(parsing: "postgresql://fay@elsewhere:7/x", environment: env)
      .password == "fallback")
    // A file others may read is ignored, as libpq ignores it.
    try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: file.path)
    #expect(try PostgresURL(parsing: "postgresql://dana@db.example/crm", environment: env)
      .password == nil)
  }

  @Test(arguments: [
    ("postgresql://dana@host", "no database name"),
    ("postgresql://dana:secret@/crm", "no host"),
    ("postgresql://dana:secret@host/crm?sslmode=sometimes", "sslmode must be one of"),
    ("postgresql://dana:secret@host/crm?frob=1", "unknown parameter 'frob'"),
    ("postgresql://host/crm", "no user"),
  ])
  func aBadURLIsOneLineWithoutThePassword(_ text: String, _ why: String) {
    #expect {
      try PostgresURL(parsing: text, environment: [:])
    } throws: { error in
      let message = "\(error)"
      return message.contains(why) && !message.contains("secret") && !message.contains("\n")
    }
  }
}
#endif
