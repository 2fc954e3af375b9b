import CaptureCore
import Foundation
import Mailbox

/// The user's calendars when some live on CalDAV servers: each `--caldav` URL's collections
/// are copied into the private index directory (`CalDAVCache`) and read, together with the
/// `.ics` files given, by one `CalendarFiles`, so an event means the same whichever way it
/// came: same parser, same choice among copies, same item id.
///
/// The copy is brought up to date when meetings are asked for (a record opens), at most
/// once per `refreshInterval`. A server that cannot be reached leaves its copy as it was,
/// with a problem saying since when; a refused login is an error. The password is asked
/// for once, when a server first needs it.
public final class CalDAVCalendars: CalendarSource, @unchecked Sendable {
  public let locations: [CalDAVLocation]
  public let files: [String]
  let cache: CalDAVCache
  let tlsCAFile: String?
  let refreshInterval: TimeInterval
  /// False to copy through calendar-query even where sync-collection is offered (tests).
  var useSyncCollection = true

  private let passwordSource: @Sendable () throws(CalDAVError) -> String?
  private let lock = NSLock()
  private var password: Result<String?, CalDAVError>?
  private var lastRefresh: Date?
  private var refreshProblems: [MailSourceError] = []
  private var reader: CalendarFiles
  /// Cached file path → the resource's URL, to name resources rather than cache files.
  private var resourceURLs: [String: String] = [:]
  private var lastProblems: [MailSourceError] = []
  /// What the latest refresh did, summed over collections (tests, benchmarks).
  private(set) var lastOutcome = CalDAVCollectionSync.Outcome()

  /// - Parameters:
  ///   - password: the password for the users named in the URLs (asked at most once).
  ///   - refreshInterval: how long a refresh stands before a record's opening asks again.
  public init(locations: [CalDAVLocation], files: [String], indexDirectory: URL,
              tlsCAFile: String?, refreshInterval: TimeInterval = 30,
              password: @escaping @Sendable () throws(CalDAVError) -> String?) {
    self.locations = locations
    self.files = files
    self.cache = CalDAVCache(indexDirectory: indexDirectory)
    self.tlsCAFile = tlsCAFile
    self.refreshInterval = refreshInterval
    self.passwordSource = password
    self.reader = CalendarFiles(paths: files)
  }

  public var problems: [MailSourceError] {
    lock.lock(); defer { lock.unlock() }
    return lastProblems
  }

  public func meetings(matching addresses: Set<EmailAddress>, startingIn window: ClosedRange<Date>,
                       timeZone: TimeZone) throws -> [CapturedMeeting]
  {
    try fromCache(window: window) {
      try $0.meetings(matching: addresses, startingIn: window, timeZone: timeZone)
    }
  }

  public func meetings(uid: String, startingIn window: ClosedRange<Date>, timeZone: TimeZone)
    throws -> [CapturedMeeting]
  {
    try fromCache(window: window) {
      try $0.meetings(uid: uid, startingIn: window, timeZone: timeZone)
    }
  }

  /// The cache brought up to date when its interval has passed, read by `query` through the
  /// same `CalendarFiles` as `.ics` files; each meeting's source named by its URL.
  private func fromCache(window: ClosedRange<Date>,
                         _ query: (CalendarFiles) throws -> [CapturedMeeting]) throws
    -> [CapturedMeeting]
  {
    lock.lock(); defer { lock.unlock() }
    let now = Date()
    if lastRefresh.map({ now.timeIntervalSince($0) >= refreshInterval }) ?? true {
      try refresh(window: window, now: now)
    }
    let folders = collectionFolders()
    let paths = files + folders.map(\.path)
    if paths != reader.paths { reader = CalendarFiles(paths: paths) }
    var meetings = try query(reader)
    for i in meetings.indices {
      if let url = resourceURLs[meetings[i].source] { meetings[i].source = url }
    }
    lastProblems = refreshProblems + reader.problems.map(named)
    return meetings
  }

  /// Brings every collection's copy up to date now, whatever the interval.
  public func refresh(window: ClosedRange<Date>, now: Date = Date()) throws {
    lastRefresh = now
    refreshProblems = []
    lastOutcome = .init()
    guard !locations.isEmpty else { return }
    let session: DAVSession
    do {
      session = try DAVSession(tlsCAFile: tlsCAFile) { [self] _ throws(CalDAVError) in
        try self.thePassword()
      }
    }
    defer { session.shutdown() }
    // The copy is read for a month either side of the window, so moving on a day does not
    // query again (calendar-query only).
    let margin: TimeInterval = 31 * 86_400
    let range = window.lowerBound.addingTimeInterval(-margin)...window.upperBound
      .addingTimeInterval(margin)
    try cache.locked {
      var sources = cache.sources()
      for location in locations {
        let key = "\(location)"
        let collections: [URL]
        do {
          collections = try CalDAVDiscovery.collections(at: location, session: session)
        } catch let error as CalDAVError {
          if case .unauthorized = error { throw error }
          refreshProblems.append(notice(error, location: location, since: sources[key]?.lastSync))
          continue
        }
        var allSynced = true
        for collection in collections {
          var sync = CalDAVCollectionSync(session: session, cache: cache, location: location,
                                          collection: collection)
          sync.useSyncCollection = useSyncCollection
          do {
            let outcome = try sync.run(range: range, now: now)
            lastOutcome.fetched += outcome.fetched
            lastOutcome.deleted += outcome.deleted
            lastOutcome.usedSyncCollection = outcome.usedSyncCollection
            lastOutcome.warnings += outcome.warnings
            for warning in outcome.warnings {
              refreshProblems.append(.malformed(path: collection.absoluteString, reason: warning))
            }
          } catch let error as CalDAVError {
            if case .unauthorized = error { throw error }
            allSynced = false
            let state = cache.state(of: cache.folder(collection: collection, user: location.user))
            refreshProblems.append(notice(error, location: location, since: state?.lastSync))
          }
        }
        sources[key] = CalDAVCache.Source(
          collections: collections.map(\.absoluteString),
          lastSync: allSynced ? now : sources[key]?.lastSync)
      }
      try cache.save(sources: sources)
    }
  }

  /// A server that did not answer as asked: the copy stands, and the problem says how old
  /// it is.
  private func notice(_ error: CalDAVError, location: CalDAVLocation, since: Date?)
    -> MailSourceError
  {
    let age = since.map { "the meetings shown are as read on \(ISO8601.format($0))" }
      ?? "none of its meetings have been read yet"
    return .unreadable(path: location.description, reason: "\(error); \(age)")
  }

  private func thePassword() throws(CalDAVError) -> String? {
    if let password { return try password.get() }
    do {
      let value = try passwordSource()
      password = .success(value)
      return value
    } catch {
      password = .failure(error)
      throw error
    }
  }

  /// The folders of the collections the URLs were last found to hold, that have a copy.
  private func collectionFolders() -> [URL] {
    let sources = cache.sources()
    var folders: [URL] = []
    resourceURLs = [:]
    for location in locations {
      for text in sources["\(location)"]?.collections ?? [] {
        guard let collection = URL(string: text) else { continue }
        let folder = cache.folder(collection: collection, user: location.user)
        guard !folders.contains(folder), let state = cache.state(of: folder) else { continue }
        folders.append(folder)
        for (href, resource) in state.resources {
          let url = CalDAVDiscovery.resolve(href, against: collection)?.absoluteString ?? href
          resourceURLs[folder.appendingPathComponent(resource.file).path] = url
        }
      }
    }
    return folders
  }

  /// A problem of a cached file named by the resource it copies.
  private func named(_ problem: MailSourceError) -> MailSourceError {
    switch problem {
    case .malformed(let path, let reason):
      return .malformed(path: resourceURLs[path] ?? path, reason: reason)
    case .unreadable(let path, let reason):
      return .unreadable(path: resourceURLs[path] ?? path, reason: reason)
    default: return problem
    }
  }
}

/// The CalDAV password: the first line a command prints (run by `/bin/sh -c`), else
/// `AUTOCAPTURE_CALDAV_PASSWORD`, else none.
public enum CalDAVPassword {
  public static func resolve(command: String?, environment: [String: String])
    throws(CalDAVError) -> String?
  {
    if let command { return try run(command) }
    if let value = environment["AUTOCAPTURE_CALDAV_PASSWORD"], !value.isEmpty { return value }
    return nil
  }

  static func run(_ command: String) throws(CalDAVError) -> String {
    do { return try PasswordCommand.run(command) } catch {
      switch error {
      case .cannotRun(let why):
        throw .password("cannot run the CalDAV password command: \(why)")
      case .exited(let status):
        throw .password("the CalDAV password command failed (exit status \(status))")
      case .printedNothing:
        throw .password("the CalDAV password command printed no password")
      }
    }
  }
}
