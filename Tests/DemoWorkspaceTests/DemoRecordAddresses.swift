import Foundation

/// A test-only reading of docs/capture-rules.md's address sets, computed from the import JSON, so
/// the tests can check that the demo's mail really relates to the records it is meant for.
struct DemoRecordAddresses {
  let json: [String: Any]

  private func list(_ key: String) -> [[String: Any]] { json[key] as? [[String: Any]] ?? [] }
  private func find(_ key: String, _ id: String) -> [String: Any]? {
    list(key).first { $0["id"] as? String == id }
  }
  private func emails(_ record: [String: Any]?) -> [String] {
    (record?["emails"] as? [String] ?? []).map { $0.lowercased() }
  }
  private func primary(ofContact id: String?) -> [String] {
    guard let id else { return [] }
    return Array(emails(find("contacts", id)).prefix(1))
  }

  /// Primary emails of an account's top 50 contacts (modifiedOn descending, then id).
  private func topContacts(ofAccount id: String) -> [String] {
    let children = list("contacts").filter { $0["parentAccount"] as? String == id }
    let sorted = children.sorted { a, b in
      let ma = a["modifiedOn"] as? String, mb = b["modifiedOn"] as? String
      if ma != mb {
        guard let ma else { return false }
        guard let mb else { return true }
        return ma > mb
      }
      return (a["id"] as? String ?? "") < (b["id"] as? String ?? "")
    }
    return sorted.prefix(50).flatMap { primary(ofContact: $0["id"] as? String) }
  }

  private func accountSet(_ id: String) -> Set<String> {
    let account = find("accounts", id)
    return Set(primary(ofContact: account?["primaryContact"] as? String)
               + topContacts(ofAccount: id) + emails(account))
  }

  private func customer(_ value: Any?) -> Set<String> {
    guard let ref = value as? [String: Any], let id = ref["id"] as? String else { return [] }
    return ref["type"] as? String == "contact"
      ? Set(emails(find("contacts", id))) : Set(emails(find("accounts", id)))
  }

  /// The address set of `type:id`, lowercased.
  func addresses(type: String, id: String) -> Set<String> {
    switch type {
    case "account": return accountSet(id)
    case "contact": return Set(emails(find("contacts", id)))
    case "lead":
      let lead = find("leads", id)
      let contact = (lead?["contact"] as? [String: Any])?["email"] as? String
      return Set(emails(lead) + [contact].compactMap { $0?.lowercased() })
    case "opportunity":
      guard let o = find("opportunities", id) else { return [] }
      var set = Set(primary(ofContact: o["contact"] as? String) + emails(o))
      for s in o["stakeholders"] as? [String] ?? [] { set.formUnion(primary(ofContact: s)) }
      if let a = o["account"] as? String { set.formUnion(topContacts(ofAccount: a)) }
      if let l = o["originatingLead"] as? String {
        let lead = find("leads", l)
        if let e = (lead?["contact"] as? [String: Any])?["email"] as? String {
          set.insert(e.lowercased())
        }
      }
      return set
    case "case":
      guard let k = find("cases", id) else { return [] }
      var set = Set(primary(ofContact: k["primaryContact"] as? String) + emails(k))
      set.formUnion(customer(k["customer"]))
      return set
    default:
      guard let r = list("customRecords").first(where: {
        $0["type"] as? String == type && $0["id"] as? String == id
      }) else { return [] }
      let declared = (list("customEntityTypes").first { $0["name"] as? String == type }?["lookups"]
        as? [[String: Any]]) ?? []
      var set = Set<String>()
      for (field, value) in r["lookups"] as? [String: Any] ?? [:] {
        let target = declared.first { $0["field"] as? String == field }?["target"] as? String
        switch target {
        case "account":
          let a = find("accounts", value as? String ?? "")
          set.formUnion(primary(ofContact: a?["primaryContact"] as? String) + emails(a))
        case "contact": set.formUnion(emails(find("contacts", value as? String ?? "")))
        default:
          if let ref = value as? [String: Any], ref["type"] as? String == "account",
             let aid = ref["id"] as? String {
            let a = find("accounts", aid)
            set.formUnion(primary(ofContact: a?["primaryContact"] as? String) + emails(a))
          } else {
            set.formUnion(customer(value))
          }
        }
      }
      return set
    }
  }

  /// Every record in the file as (type, id).
  var allRecords: [(type: String, id: String)] {
    var out: [(String, String)] = []
    for (key, type) in [("accounts", "account"), ("contacts", "contact"), ("leads", "lead"),
                        ("opportunities", "opportunity"), ("cases", "case")] {
      out += list(key).compactMap { ($0["id"] as? String).map { (type, $0) } }
    }
    out += list("customRecords").compactMap { r in
      guard let t = r["type"] as? String, let i = r["id"] as? String else { return nil }
      return (t, i)
    }
    return out
  }
}
