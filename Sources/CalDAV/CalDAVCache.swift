import Foundation

/// The copy of CalDAV calendars in the private index directory: `caldav/` holds one folder
/// per calendar collection (and user), each with the collection's events as `.ics` files
/// and `state.json` (its URL, sync token, each resource's href and ETag), and
/// `sources.json`, the collections each `--caldav` URL was last found to hold. The events
/// are files so that `CalendarFiles` reads them as it reads the user's own: same parser,
/// same merging, same item ids, and a record's meetings come from them as fast.
struct CalDAVCache {
  let directory: URL

  init(indexDirectory: URL) {
    directory = indexDirectory.appendingPathComponent("caldav", isDirectory: true)
  }

  struct Resource: Codable, Equatable {
    var etag: String?
    /// The file's name in the collection's folder.
    var file: String
  }

  struct CollectionState: Codable {
    var url: String
    var user: String?
    var syncToken: String?
    /// The time range a calendar-query copied (when the server has no sync-collection).
    var rangeStart: Date?
    var rangeEnd: Date?
    /// When the server last answered for it.
    var lastSync: Date?
    /// By href, as the server writes it.
    var resources: [String: Resource] = [:]
  }

  struct Source: Codable {
    var collections: [String]
    var lastSync: Date?
  }

  /// The folder of a collection, named by a hash of its URL and user.
  func folder(collection: URL, user: String?) -> URL {
    directory.appendingPathComponent(
      "c-" + CalDAVCache.hash("\(user ?? "")\n\(collection.absoluteString)"), isDirectory: true)
  }

  static func fileName(href: String) -> String { "r-" + hash(href) + ".ics" }

  /// FNV-1a, 64 bits, in hex: stable across runs and machines, unlike `Hasher`.
  static func hash(_ text: String) -> String {
    var h: UInt64 = 0xcbf2_9ce4_8422_2325
    for byte in text.utf8 {
      h ^= UInt64(byte)
      h = h &* 0x100_0000_01b3
    }
    let hex = String(h, radix: 16)
    return String(repeating: "0", count: 16 - hex.count) + hex
  }

  /// Made readable by the user only, the index directory above it too when it is new.
  func createDirectory(_ url: URL) throws {
    var missing: [URL] = []
    var dir = url
    while !FileManager.default.fileExists(atPath: dir.path), dir.path != "/" {
      missing.append(dir)
      dir.deleteLastPathComponent()
    }
    for dir in missing.reversed() {
      try FileManager.default.createDirectory(
        at: dir, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o700])
    }
  }

  func state(of folder: URL) -> CollectionState? {
    guard let data = try? Data(contentsOf: folder.appendingPathComponent("state.json")) else {
      return nil
    }
    return try? CalDAVCache.decoder.decode(CollectionState.self, from: data)
  }

  func save(_ state: CollectionState, in folder: URL) throws {
    try write(CalDAVCache.encoder.encode(state), to: folder.appendingPathComponent("state.json"))
  }

  func sources() -> [String: Source] {
    guard let data = try? Data(contentsOf: directory.appendingPathComponent("sources.json"))
    else { return [:] }
    return (try? CalDAVCache.decoder.decode([String: Source].self, from: data)) ?? [:]
  }

  func save(sources: [String: Source]) throws {
    try createDirectory(directory)
    try write(CalDAVCache.encoder.encode(sources),
              to: directory.appendingPathComponent("sources.json"))
  }

  /// Written whole or not at all, readable by the user only (private calendar data).
  func write(_ data: Data, to url: URL) throws {
    let temporary = url.deletingLastPathComponent()
      .appendingPathComponent(".\(url.lastPathComponent).\(getpid()).tmp")
    guard FileManager.default.createFile(atPath: temporary.path, contents: data,
                                         attributes: [.posixPermissions: 0o600]) else {
      throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: temporary.path])
    }
    if rename(temporary.path, url.path) != 0 {
      let code = errno
      unlink(temporary.path)
      throw POSIXError(POSIXErrorCode(rawValue: code) ?? .EIO)
    }
  }

  /// Runs `body` holding the cache's lock, so that two processes (the TUI and a `sync`)
  /// do not write one collection's files at once.
  func locked<T>(_ body: () throws -> T) throws -> T {
    try createDirectory(directory)
    let fd = open(directory.appendingPathComponent("lock").path, O_CREAT | O_RDWR | O_CLOEXEC,
                  0o600)
    guard fd >= 0 else { return try body() }
    defer { close(fd) }
    flock(fd, LOCK_EX)
    defer { flock(fd, LOCK_UN) }
    return try body()
  }

  private static let encoder: JSONEncoder = {
    let e = JSONEncoder()
    e.dateEncodingStrategy = .iso8601
    e.outputFormatting = [.sortedKeys]
    return e
  }()

  private static let decoder: JSONDecoder = {
    let d = JSONDecoder()
    d.dateDecodingStrategy = .iso8601
    return d
  }()
}
