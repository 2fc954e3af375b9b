import CRMStore
import Foundation
import Mailbox

/// `autocapture import FILE.json --db PATH`: loads a CRM import file (docs/import-format.md).
struct ImportCommand {
  static let spec = CommandSpec(
    name: "import",
    abstract: "Load a CRM import file (JSON) into the CRM database; all or nothing.",
    options: WorkspaceOptions.specs(using: [.db, .tlsCAFile]),
    argument: (name: "FILE.json", help: "The CRM import file (docs/import-format.md)."),
    run: { try ImportCommand(file: $0.argument ?? "", options: WorkspaceOptions($0)).run() })

  var file: String
  var options: WorkspaceOptions

  func run() throws {
    let workspace = try options.withConfigDefaults(ConfigFile.load())
    let dbPath = try workspace.requireDB()
    try workspace.requireTLSCAFile()
    guard let status = fileStatus(file) else { throw CLIError("\(file): no such file") }
    // Reading a directory or a FIFO would fail in Foundation's words, or wait.
    guard status.isRegular else {
      throw CLIError("\(file): not a file (an import file is JSON, docs/import-format.md)")
    }
    let created = !CRMDatabase.isURL(dbPath) && !FileManager.default.fileExists(atPath: dbPath)
    do {
      let database = try CRMDatabase.open(dbPath, tlsCAFile: workspace.tlsCAFile,
                                          connections: .single, createsSchema: true)
      let summary = try database.importFile(at: URL(fileURLWithPath: file))
      Console.line("imported \(summary) into \(database.name)")
    } catch let error as ImportError {
      removeIfCreated(created, dbPath)
      throw CLIError("\(file): \(error.description) (nothing was imported)")
    } catch let error as CustomStringConvertible & Error {
      removeIfCreated(created, dbPath)
      throw CLIError(error.description)
    }
  }

  /// A failed first import leaves no empty database behind to be mistaken for a real one.
  private func removeIfCreated(_ created: Bool, _ path: String) {
    guard created else { return }
    for suffix in ["", "-wal", "-shm", "-journal"] {
      try? FileManager.default.removeItem(atPath: path + suffix)
    }
  }
}
