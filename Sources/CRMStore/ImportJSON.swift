import CaptureCore
import Foundation
import MailFormats

/// A value of a CRM import file as read, keeping booleans apart from numbers so that the
/// importer can say exactly which path holds the wrong kind of value. (What the program
/// writes is CaptureCore's `JSONOutput`.)
enum ImportJSON: Decodable, Sendable {
  case null
  case bool(Bool)
  case number(Double)
  case string(String)
  case array([ImportJSON])
  case object([String: ImportJSON])

  init(from decoder: any Decoder) throws {
    if var list = try? decoder.unkeyedContainer() {
      var items: [ImportJSON] = []
      if let count = list.count { items.reserveCapacity(count) }
      while !list.isAtEnd { items.append(try list.decode(ImportJSON.self)) }
      self = .array(items)
    } else if let keyed = try? decoder.container(keyedBy: AnyKey.self) {
      var fields: [String: ImportJSON] = [:]
      for key in keyed.allKeys {
        fields[key.stringValue] = try keyed.decode(ImportJSON.self, forKey: key)
      }
      self = .object(fields)
    } else {
      let single = try decoder.singleValueContainer()
      if single.decodeNil() {
        self = .null
      } else if let text = try? single.decode(String.self) {
        self = .string(text)
      } else if let flag = try? single.decode(Bool.self) {
        self = .bool(flag)
      } else {
        self = .number(try single.decode(Double.self))
      }
    }
  }

  /// What kind of value this is, for error messages ("a string", "an object").
  var kindName: String {
    switch self {
    case .null: return "null"
    case .bool: return "a boolean"
    case .number: return "a number"
    case .string: return "a string"
    case .array: return "an array"
    case .object: return "an object"
    }
  }

  struct AnyKey: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }
    init(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
  }
}

/// A JSON object being read at a known path: every read names the path when it fails, and
/// keys the reader does not know are refused up front.
struct JSONObject {
  let path: String
  let fields: [String: ImportJSON]

  /// Reads `value` at `path` as an object whose keys are all in `allowed`.
  init(_ value: ImportJSON, at path: String, allowed: [String]) throws(ImportError) {
    guard case .object(let fields) = value else {
      throw ImportError(path: path, message: "expected an object, found \(value.kindName)")
    }
    if let unknown = fields.keys.filter({ !allowed.contains($0) }).sorted().first {
      let key = ImportError.excerpt(unknown, limit: 80)
      throw ImportError(
        path: JSONObject.join(path, key),
        message: "unknown key '\(key)' (known keys: \(allowed.joined(separator: ", ")))")
    }
    self.path = path
    self.fields = fields
  }

  static func join(_ path: String, _ key: String) -> String {
    path.isEmpty ? key : "\(path).\(key)"
  }

  func path(_ key: String) -> String { JSONObject.join(path, key) }

  /// The value at `key`, with JSON `null` read as absent.
  func value(_ key: String) -> ImportJSON? {
    guard let value = fields[key] else { return nil }
    if case .null = value { return nil }
    return value
  }

  func string(_ key: String) throws(ImportError) -> String? {
    guard let value = value(key) else { return nil }
    guard case .string(let text) = value else {
      throw ImportError(path: path(key), message: "expected a string, found \(value.kindName)")
    }
    return text
  }

  func requiredString(_ key: String) throws(ImportError) -> String {
    guard let text = try string(key) else {
      throw ImportError(path: path(key), message: "missing")
    }
    return text
  }

  /// A record id: a non-empty string.
  func id(_ key: String = "id") throws(ImportError) -> String {
    let text = try requiredString(key)
    if text.isEmpty { throw ImportError(path: path(key), message: "empty id") }
    return text
  }

  /// An optional reference id: a non-empty string when present.
  func reference(_ key: String) throws(ImportError) -> String? {
    guard let text = try string(key) else { return nil }
    if text.isEmpty { throw ImportError(path: path(key), message: "empty id") }
    return text
  }

  func bool(_ key: String) throws(ImportError) -> Bool? {
    guard let value = value(key) else { return nil }
    guard case .bool(let flag) = value else {
      throw ImportError(path: path(key), message: "expected true or false, found \(value.kindName)")
    }
    return flag
  }

  func nonNegativeInt(_ key: String) throws(ImportError) -> Int? {
    guard let value = value(key) else { return nil }
    guard case .number(let number) = value, number >= 0, number <= 1e15,
          number.rounded() == number
    else {
      throw ImportError(path: path(key), message: "expected a whole number of 0 or more")
    }
    return Int(number)
  }

  func array(_ key: String) throws(ImportError) -> [ImportJSON] {
    guard let value = value(key) else { return [] }
    guard case .array(let items) = value else {
      throw ImportError(path: path(key), message: "expected an array, found \(value.kindName)")
    }
    return items
  }

  /// An array of strings, each with its path.
  func strings(_ key: String) throws(ImportError) -> [(path: String, text: String)] {
    var result: [(path: String, text: String)] = []
    for (index, item) in try array(key).enumerated() {
      let itemPath = "\(path(key))[\(index)]"
      guard case .string(let text) = item else {
        throw ImportError(path: itemPath, message: "expected a string, found \(item.kindName)")
      }
      result.append((itemPath, text))
    }
    return result
  }

  /// A Message-ID as the mail parser gives it (`<id@host>`: brackets added when missing,
  /// spaces around it dropped), so a tracked email matches its copy in the mailbox and is
  /// shown once. Exactly one id: the parser would keep the first of several, or part of
  /// `a b@c`, and drop the rest without a word.
  func messageId(_ key: String) throws(ImportError) -> String? {
    guard let text = try string(key) else { return nil }
    let bare = text.trimmingCharacters(in: .whitespaces)
    guard let id = MessageIDs.parseFirst(text), id == bare || id == "<\(bare)>" else {
      throw ImportError(path: path(key), message: "'\(text)' is not one Message-ID (<id@host>)")
    }
    return id
  }

  func email(_ key: String) throws(ImportError) -> EmailAddress? {
    guard let text = try string(key) else { return nil }
    return try JSONObject.email(text, at: path(key))
  }

  /// The addresses at `key`, normalized, in order, a repeated address kept once.
  func emails(_ key: String) throws(ImportError) -> [EmailAddress] {
    var result: [EmailAddress] = []
    for (itemPath, text) in try strings(key) {
      let address = try JSONObject.email(text, at: itemPath)
      if !result.contains(address) { result.append(address) }
    }
    return result
  }

  /// The excluded addresses at `key` (an address or `@domain`), normalized, sorted, each once.
  func exclusions(_ key: String) throws(ImportError) -> [AddressExclusion] {
    var result = Set<AddressExclusion>()
    for (itemPath, text) in try strings(key) {
      do { result.insert(try AddressExclusion(text)) } catch {
        throw ImportError(
          path: itemPath, message: "invalid excluded address (an address or @domain): "
            + error.description)
      }
    }
    return result.sorted()
  }

  static func email(_ text: String, at path: String) throws(ImportError) -> EmailAddress {
    do { return try EmailAddress(text) } catch {
      throw ImportError(path: path, message: "invalid email address: \(error.description)")
    }
  }

  func date(_ key: String) throws(ImportError) -> Date? {
    guard let text = try string(key) else { return nil }
    guard let date = ISO8601.parse(text) else {
      throw ImportError(
        path: path(key),
        message: "'\(text)' is not an ISO 8601 time with a zone (e.g. 2026-11-20T09:30:00Z)")
    }
    return date
  }

  func requiredDate(_ key: String) throws(ImportError) -> Date {
    guard let date = try date(key) else { throw ImportError(path: path(key), message: "missing") }
    return date
  }

  /// One of `allowed` raw values.
  func choice<T: RawRepresentable>(_ key: String, _ type: T.Type, allowed: [String])
    throws(ImportError) -> T? where T.RawValue == String
  {
    guard let text = try string(key) else { return nil }
    guard let value = T(rawValue: text) else {
      throw ImportError(
        path: path(key),
        message: "'\(text)' is not one of \(allowed.joined(separator: ", "))")
    }
    return value
  }
}
