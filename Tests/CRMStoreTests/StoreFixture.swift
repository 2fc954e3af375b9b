import CRMStore
import CaptureCore
import Foundation
import TestSupport

/// A fresh CRM database in its own temporary directory, for one test.
struct StoreFixture {
  let directory: URL
  let path: String
  let store: SQLiteCRMStore

  init(_ label: String = "crmstore") throws {
    directory = try Fixtures.temporaryDirectory(label)
    path = directory.appendingPathComponent("crm.sqlite").path
    store = try SQLiteCRMStore(path: path)
  }

  /// A fixture already holding `json` (a CRM import file).
  init(importing json: String) throws {
    try self.init()
    _ = try store.importData(Data(json.utf8))
  }

  @discardableResult
  func importJSON(_ json: String) throws -> ImportSummary {
    try store.importData(Data(json.utf8))
  }

  /// The address set of `TYPE:ID` as `[address: reasons]`.
  func addresses(_ record: String) throws -> [String: [String]] {
    guard let ref = RecordRef(parsing: record) else { throw CRMError.invalid(record) }
    let set = try AddressSetRules(reader: store).addressSet(for: ref)
    return Dictionary(uniqueKeysWithValues: set.entries.map { ($0.address.value, $0.reasons) })
  }

  /// The addresses of `TYPE:ID` in set order.
  func addressList(_ record: String) throws -> [String] {
    guard let ref = RecordRef(parsing: record) else { throw CRMError.invalid(record) }
    return try AddressSetRules(reader: store).addressSet(for: ref).entries.map(\.address.value)
  }
}

/// Builds import JSON from Swift values without hand-escaping.
func json(_ object: [String: Any]) -> String {
  let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
  return String(decoding: data ?? Data(), as: UTF8.self)
}
