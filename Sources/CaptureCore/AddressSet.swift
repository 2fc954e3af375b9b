import Foundation

/// One address of a record's address set with every reason it is there
/// (`primary contact c-ann`, `top-50 contact c-f07`, `own email`).
public struct AddressSetEntry: Hashable, Sendable {
  public var address: EmailAddress
  public var reasons: [String]
  public init(address: EmailAddress, reasons: [String]) {
    self.address = address; self.reasons = reasons
  }
}

/// The address set of a record (docs/capture-rules.md), in first-seen order.
public struct AddressSet: Hashable, Sendable {
  public private(set) var entries: [AddressSetEntry] = []
  private var position: [EmailAddress: Int] = [:]

  public init() {}

  /// Adds `address` for `reason`; a second source of the same address adds its reason.
  public mutating func add(_ address: EmailAddress, reason: String) {
    if let i = position[address] {
      if !entries[i].reasons.contains(reason) { entries[i].reasons.append(reason) }
    } else {
      position[address] = entries.count
      entries.append(AddressSetEntry(address: address, reasons: [reason]))
    }
  }

  public var addresses: Set<EmailAddress> { Set(entries.map(\.address)) }
  public var isEmpty: Bool { entries.isEmpty }
  public var count: Int { entries.count }
}
