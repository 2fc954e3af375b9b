import CRMStore
import CaptureCore
import Foundation

/// `autocapture addresses --record TYPE:ID --db PATH [--json]`: a record's address set, each
/// address with the reasons it is in the set (docs/capture-rules.md).
struct AddressesCommand {
  static let spec = CommandSpec(
    name: "addresses",
    abstract: "Show the address set of a record, each address with why it is included.",
    options: [
      .value(.record, "TYPE:ID", "The record, as TYPE:ID (account:a-fab, project:p-1)."),
      .flag(.json, "Print JSON instead of one line per address."),
    ] + WorkspaceOptions.specs(using: [.db, .tlsCAFile]),
    run: { try AddressesCommand($0).run() })

  var record: RecordRef
  var json: Bool
  var options: WorkspaceOptions

  init(_ arguments: ParsedArguments) throws {
    record = try arguments.record()
    json = arguments.flag(.json)
    options = try WorkspaceOptions(arguments)
  }

  func run() throws {
    let workspace = try options.withConfigDefaults(ConfigFile.load())
    let ref = record
    let dbPath = try workspace.requireDB()
    try workspace.requireTLSCAFile()
    guard CRMDatabase.isURL(dbPath) || FileManager.default.fileExists(atPath: dbPath) else {
      throw CLIError("\(dbPath): no such CRM database")
    }
    let summary: RecordSummary
    let set: AddressSet
    do {
      let store = try CRMDatabase.open(dbPath, tlsCAFile: workspace.tlsCAFile,
                                       connections: .single, createsSchema: false).store
      set = try AddressSetRules(reader: store).addressSet(for: ref)
      summary = try store.recordSummary(ref) ?? RecordSummary(ref: ref, name: "")
    } catch let error as CustomStringConvertible & Error {
      throw CLIError(error.description)
    }
    if json {
      print(try Self.json(summary, set))
    } else {
      if set.isEmpty {
        Console.error("\(ref) has no addresses")
      }
      for entry in set.entries {
        Console.line("\(entry.address.value)\t\(entry.reasons.joined(separator: "; "))")
      }
    }
  }

  struct Output: Encodable {
    struct Record: Encodable { var type: String; var id: String; var name: String }
    struct Entry: Encodable { var address: String; var reasons: [String] }
    var record: Record
    var addresses: [Entry]
  }

  static func json(_ summary: RecordSummary, _ set: AddressSet) throws -> String {
    let output = Output(
      record: .init(type: summary.ref.type.name, id: summary.ref.id, name: summary.name),
      addresses: set.entries.map { .init(address: $0.address.value, reasons: $0.reasons) })
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    return String(decoding: try encoder.encode(output), as: UTF8.self)
  }
}
