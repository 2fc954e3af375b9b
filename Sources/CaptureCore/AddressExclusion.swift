import Foundation

/// An address, or a whole domain, that never makes an item match a record
/// (docs/import-format.md: `organization.excludedAddresses`, `users[].excludedAddresses`).
///
/// Written `noreply@fabrikam.example` or `@mail.example`; normalized as `EmailAddress` is, so
/// case and an `xn--` domain make no difference. A domain covers addresses at exactly that
/// domain, not its subdomains: `@fabrikam.example` leaves `ann@eu.fabrikam.example` alone.
public enum AddressExclusion: Hashable, Comparable, Sendable, CustomStringConvertible {
  case address(EmailAddress)
  /// The normalized domain, without the `@`.
  case domain(String)

  public init(_ raw: String) throws(EmailAddressError) {
    let trimmed = Substring(raw).trimmingWhitespace()
    guard trimmed.hasPrefix("@") else {
      self = .address(try EmailAddress(raw))
      return
    }
    let domain = trimmed.dropFirst()
    if domain.contains("@") { throw .invalidCharacter(raw, "@") }
    if domain.isEmpty { throw .emptyDomain(raw) }
    // The domain is normalized the way an address's is.
    let address: EmailAddress
    do { address = try EmailAddress("x@" + domain) } catch {
      switch error {
      case .containsWhitespace: throw .containsWhitespace(raw)
      case .invalidCharacter(_, let c): throw .invalidCharacter(raw, c)
      default: throw .emptyDomain(raw)
      }
    }
    self = .domain(String(address.value.dropFirst(2)))
  }

  /// Reads back the text form written by `text` (from our own storage).
  public init(normalized text: String) {
    self = text.hasPrefix("@") ? .domain(String(text.dropFirst()))
      : .address(EmailAddress(normalized: text))
  }

  /// `noreply@fabrikam.example` or `@mail.example`.
  public var text: String {
    switch self {
    case .address(let address): return address.value
    case .domain(let domain): return "@" + domain
    }
  }

  public var description: String { text }
  public static func < (a: AddressExclusion, b: AddressExclusion) -> Bool { a.text < b.text }

  public func excludes(_ address: EmailAddress) -> Bool {
    switch self {
    case .address(let excluded): return excluded == address
    case .domain(let domain):
      guard let at = address.value.lastIndex(of: "@") else { return false }
      return address.value[address.value.index(after: at)...] == domain
    }
  }
}

/// The exclusions that apply to one user's capture: the organization's and the user's own.
public struct CaptureExclusions: Hashable, Sendable {
  public var organization: [AddressExclusion]
  public var user: [AddressExclusion]

  public init(organization: [AddressExclusion] = [], user: [AddressExclusion] = []) {
    self.organization = organization; self.user = user
  }

  public init(organization: Organization, user: User) {
    self.init(organization: organization.excludedAddresses, user: user.excludedAddresses)
  }

  /// The entry that excludes `address`, and whose it is; the organization's first.
  public func exclusion(of address: EmailAddress) -> (entry: AddressExclusion, isOrganization: Bool)? {
    if let entry = organization.first(where: { $0.excludes(address) }) { return (entry, true) }
    if let entry = user.first(where: { $0.excludes(address) }) { return (entry, false) }
    return nil
  }

  /// `addresses` without the excluded ones: what an item must carry to match the record.
  public func applied(to addresses: Set<EmailAddress>) -> Set<EmailAddress> {
    guard !organization.isEmpty || !user.isEmpty else { return addresses }
    return addresses.filter { exclusion(of: $0) == nil }
  }
}
