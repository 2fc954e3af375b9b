import Foundation

// PLACEHOLDER until the store branch lands with the real rules (same signature).
public struct AddressSetRules: Sendable {
  public let reader: any CRMReader
  public init(reader: any CRMReader) { self.reader = reader }
  public func addressSet(for record: RecordRef) throws -> AddressSet { AddressSet() }
}
