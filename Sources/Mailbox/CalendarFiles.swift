import CaptureCore
import Foundation
import MailFormats

/// The user's calendars as `.ics` files: single files, or folders of them (a vdir).
///
/// Files are parsed once and kept while their path, modification time and size stay the
/// same, so the TUI can ask again on every screen at little cost. Nothing is fatal: an
/// unreadable folder, a file that is not iCalendar or a broken event is listed in
/// `problems` with the file and reason, and everything else is still read.
///
/// Cancellations: an event with `STATUS:CANCELLED`, or every event of a calendar whose METHOD
/// is `CANCEL`, is never captured. When the same occurrence (UID + recurrence id) comes
/// from several files, the copy with the highest SEQUENCE stands for it (a cancellation
/// wins a tie), so a cancellation notice beside the original invitation removes the
/// meeting; a cancelled event without RECURRENCE-ID cancels the whole series in every file
/// at the same or a lower SEQUENCE. An event without RECURRENCE-ID replaces the series
/// occurrences of every lower SEQUENCE (a rescheduled series leaves no old times behind;
/// older overrides still stand for their own occurrences). On a tie, any copy wins over
/// one from an attendee's reply (`METHOD:REPLY`), then an override (RECURRENCE-ID) over the
/// series' own occurrence, and otherwise the first file in path order stands. An override
/// that moved the occurrence out of the window takes part too: when it wins, the
/// occurrence is gone. A `RANGE=THISANDFUTURE` override moves every later occurrence of its
/// series whichever file holds it.
public final class CalendarFiles: CalendarSource, @unchecked Sendable {
  /// The files and folders given, as given.
  public let paths: [String]

  private struct CachedFile {
    var stamp: FileSystem.Status
    var calendar: ICalendar
    /// What parsing the file found wrong (independent of the window).
    var problems: [MailSourceError]
    /// The occurrences of the latest window asked for, reused when it is asked again.
    var expansion: WindowExpansion?
  }

  private struct WindowExpansion {
    var window: ClosedRange<Date>
    var zone: TimeZone
    /// The `RANGE=THISANDFUTURE` overrides from other files it was expanded with.
    var foreign: [ICalendarEvent]
    var result: ICalendarExpansion
  }

  private let lock = NSLock()
  private var cache: [String: CachedFile] = [:]
  private var lastProblems: [MailSourceError] = []

  /// Files larger than this are reported and not read (no calendar of meetings comes near).
  public let maxFileSize: Int64

  public init(paths: [String], maxFileSize: Int64 = 64 << 20) {
    self.paths = paths
    self.maxFileSize = maxFileSize
  }

  /// What the latest `meetings` call met: missing or unreadable paths, files that are not
  /// iCalendar, skipped events and ignored details, each with its file. Empty before the
  /// first call.
  public var problems: [MailSourceError] {
    lock.lock(); defer { lock.unlock() }
    return lastProblems
  }

  public func meetings(matching addresses: Set<EmailAddress>, startingIn window: ClosedRange<Date>,
                       timeZone: TimeZone) throws -> [CapturedMeeting]
  {
    try occurrences(startingIn: window, timeZone: timeZone).filter { meeting in
      meeting.organizer.map(addresses.contains) == true
        || meeting.attendees.contains(where: addresses.contains)
    }
  }

  public func meetings(uid: String, startingIn window: ClosedRange<Date>, timeZone: TimeZone)
    throws -> [CapturedMeeting]
  {
    try occurrences(startingIn: window, timeZone: timeZone, uid: uid)
  }

  /// Every captured (not cancelled) occurrence starting in `window`, one per UID and
  /// recurrence id, sorted by start; with `uid`, only that meeting's (its expansion is
  /// neither kept nor reported, as it is asked for a wider window than a timeline's).
  private func occurrences(startingIn window: ClosedRange<Date>, timeZone: TimeZone,
                           uid only: String? = nil) throws -> [CapturedMeeting] {
    lock.lock(); defer { lock.unlock() }
    var problems: [MailSourceError] = []
    var loaded: [(path: String, entry: CachedFile)] = []
    for (file, stamp) in calendarFiles(problems: &problems) {
      guard let entry = load(file, stamp: stamp, problems: &problems) else { continue }
      problems += entry.problems
      loaded.append((file, entry))
    }
    // "This and all following" saved in its own file (an update beside the invitation) moves
    // the later occurrences of a series in another file: each file's series are expanded
    // with the other files' RANGE=THISANDFUTURE overrides of them, and those files' zones.
    let futureOverrides = loaded.flatMap { file in
      file.entry.calendar.events.filter { $0.recurrenceIdThisAndFuture && $0.uid != nil }
        .map { (path: file.path, event: $0, zones: file.entry.calendar.timezones) }
    }
    var calendars: [(path: String, calendar: ICalendar, expansion: ICalendarExpansion)] = []
    var fresh: [String: CachedFile] = [:]
    for (file, var entry) in loaded {
      var calendar = entry.calendar
      if !futureOverrides.isEmpty {
        let series = Set(calendar.events.filter { $0.recurrenceId == nil }.compactMap(\.uid))
        for foreign in futureOverrides
        where foreign.path != file && series.contains(foreign.event.uid ?? "") {
          calendar.events.append(foreign.event)
          calendar.timezones.merge(foreign.zones) { own, _ in own }
        }
      }
      let foreign = Array(calendar.events.dropFirst(entry.calendar.events.count))
      let expansion: ICalendarExpansion
      if let only {
        calendar.events = calendar.events.filter { $0.uid == only }
        calendar.cancellations = calendar.cancellations.filter { $0.uid == only }
        expansion = calendar.expandOccurrences(startingIn: window, timeZone: timeZone)
      } else if let last = entry.expansion, last.window == window, last.zone == timeZone,
        last.foreign == foreign
      {
        expansion = last.result
      } else {
        expansion = calendar.expandOccurrences(startingIn: window, timeZone: timeZone)
        entry.expansion = WindowExpansion(
          window: window, zone: timeZone, foreign: foreign, result: expansion)
      }
      fresh[file] = entry
      calendars.append((file, calendar, expansion))
    }
    cache = fresh

    struct Key: Hashable { var uid: String; var recurrenceId: Date? }
    /// Highest SEQUENCE; on a tie a cancellation, then anything over an attendee's reply
    /// (which carries little besides the reply), then an override over the series.
    func rank(sequence: Int, isCancelled: Bool, isReply: Bool, isOverride: Bool)
      -> (Int, Int, Int, Int)
    {
      (sequence, isCancelled ? 1 : 0, isReply ? 0 : 1, isOverride ? 1 : 0)
    }
    var chosen: [Key: (occurrence: ICalendarOccurrence, source: String, isReply: Bool)] = [:]
    var seriesCancelled: [String: Int] = [:]
    // The highest SEQUENCE of each UID's event without RECURRENCE-ID (an attendee's reply
    // aside): a newer one replaces the whole event, so older series' occurrences go.
    var newestSeries: [String: Int] = [:]
    for (path, calendar, expansion) in calendars {
      for event in calendar.events where event.recurrenceId == nil && event.method != "REPLY" {
        guard let uid = event.uid else { continue }
        newestSeries[uid] = max(newestSeries[uid] ?? Int.min, event.sequence)
      }
      for event in calendar.events where event.recurrenceId == nil {
        guard let uid = event.uid, event.isCancelled || event.method == "CANCEL" else {
          continue
        }
        seriesCancelled[uid] = max(seriesCancelled[uid] ?? Int.min, event.sequence)
      }
      for cancellation in calendar.cancellations {
        let uid = cancellation.uid
        seriesCancelled[uid] = max(seriesCancelled[uid] ?? Int.min, cancellation.sequence)
      }
      for warning in expansion.warnings {
        problems.append(.malformed(path: path, reason: warning))
      }
      for occurrence in expansion.occurrences {
        guard let uid = occurrence.uid else { continue }
        let key = Key(uid: uid, recurrenceId: occurrence.recurrenceId)
        let isReply = occurrence.method == "REPLY"
        if let current = chosen[key] {
          let old = current.occurrence
          let newRank = rank(sequence: occurrence.sequence, isCancelled: occurrence.isCancelled,
                             isReply: isReply, isOverride: occurrence.isOverride)
          let oldRank = rank(sequence: old.sequence, isCancelled: old.isCancelled,
                             isReply: current.isReply, isOverride: old.isOverride)
          if newRank <= oldRank { continue }
        }
        chosen[key] = (occurrence, path, isReply)
      }
    }
    // An occurrence moved out of the window by a newer override in another file is gone.
    for (_, _, expansion) in calendars {
      for moved in expansion.movedAway {
        guard let uid = moved.uid else { continue }
        let key = Key(uid: uid, recurrenceId: moved.recurrenceId)
        guard let current = chosen[key] else { continue }
        let old = current.occurrence
        if rank(sequence: moved.sequence, isCancelled: moved.isCancelled,
                isReply: moved.method == "REPLY", isOverride: true)
          > rank(sequence: old.sequence, isCancelled: old.isCancelled,
                 isReply: current.isReply, isOverride: old.isOverride)
        {
          chosen[key] = nil
        }
      }
    }

    var meetings: [CapturedMeeting] = []
    for (key, entry) in chosen {
      let occurrence = entry.occurrence
      if occurrence.isCancelled { continue }
      if let cancelledAt = seriesCancelled[key.uid], occurrence.sequence <= cancelledAt {
        continue
      }
      if !occurrence.isOverride, let newest = newestSeries[key.uid],
         occurrence.sequence < newest
      {
        continue
      }
      let organizer = occurrence.organizer?.address.flatMap(EmailAddress.parse)
      var attendees: [EmailAddress] = []
      for attendee in occurrence.attendees {
        guard let address = attendee.address.flatMap(EmailAddress.parse),
              !attendees.contains(address) else { continue }
        attendees.append(address)
      }
      meetings.append(CapturedMeeting(
        uid: key.uid, recurrenceId: occurrence.recurrenceId, start: occurrence.start,
        end: occurrence.end, isAllDay: occurrence.isAllDay, summary: occurrence.summary ?? "",
        organizer: organizer, organizerName: occurrence.organizer?.name, attendees: attendees,
        location: occurrence.location, description: occurrence.description,
        source: entry.source))
    }
    meetings.sort {
      ($0.start, $0.uid, $0.recurrenceId ?? .distantPast)
        < ($1.start, $1.uid, $1.recurrenceId ?? .distantPast)
    }
    if only == nil { lastProblems = problems }
    return meetings
  }

  // MARK: - Files

  private static func describe(_ failure: MailSourceFailure) -> String {
    failure.code == ENOENT ? "no such file or folder" : failure.reason
  }

  /// The `.ics` files named by `paths` with their stamps: files as given, folders read for
  /// `*.ics` (and their direct subfolders), sorted by path; each path once.
  private func calendarFiles(problems: inout [MailSourceError])
    -> [(String, FileSystem.Status)]
  {
    var result: [(String, FileSystem.Status)] = []
    var seen = Set<String>()
    func add(_ file: String, _ stamp: FileSystem.Status) {
      if seen.insert(file).inserted { result.append((file, stamp)) }
    }
    func icsFiles(in folder: String, depth: Int) {
      let names: [String]
      do {
        names = try FileSystem.list(folder, includeHidden: false).map(\.name).sorted()
      } catch {
        problems.append(error.error)
        return
      }
      for name in names {
        let full = (folder as NSString).appendingPathComponent(name)
        let isCalendar = (name as NSString).pathExtension.lowercased() == "ics"
        switch FileSystem.status(full) {
        case .success(let stamp) where stamp.isDirectory:
          if depth == 0 { icsFiles(in: full, depth: 1) }
        case .success(let stamp):
          if isCalendar { add(full, stamp) }
        case .failure(let code):
          // A dangling link or a file gone since the listing: worth a word only if it
          // would have been read.
          if isCalendar { problems.append(.unreadable(path: full, reason: Self.describe(code))) }
        }
      }
    }
    for path in paths {
      switch FileSystem.status(path) {
      case .success(let stamp) where stamp.isDirectory: icsFiles(in: path, depth: 0)
      case .success(let stamp): add(path, stamp)
      case .failure(let code):
        problems.append(.unreadable(path: path, reason: Self.describe(code)))
      }
    }
    return result
  }

  /// The parsed file, from the cache when its modification time and size are unchanged.
  private func load(_ path: String, stamp: FileSystem.Status,
                    problems: inout [MailSourceError])
    -> CachedFile?
  {
    if let cached = cache[path], stamp.isUnchanged(since: cached.stamp) { return cached }
    guard stamp.isRegular else {
      problems.append(.unreadable(path: path, reason: "not a regular file"))
      return nil
    }
    guard stamp.size <= maxFileSize else {
      problems.append(.unreadable(
        path: path, reason: "\(stamp.size) bytes, more than the \(maxFileSize) read at most"))
      return nil
    }
    let data: Data
    do {
      data = try FileSystem.contents(of: path).data
    } catch {
      problems.append(error.error)
      return nil
    }
    let calendar = ICalendar.parse(data)
    var found: [MailSourceError] = []
    if let problem = calendar.problem {
      // Nothing else in it was understood: the line-by-line details would only be noise.
      found.append(.malformed(path: path, reason: problem))
      return CachedFile(stamp: stamp, calendar: calendar, problems: found)
    }
    for skipped in calendar.skippedEvents {
      found.append(.malformed(path: path, reason: "\(skipped) (skipped)"))
    }
    for event in calendar.events where event.uid == nil {
      found.append(.malformed(path: path,
                              reason: "VEVENT at line \(event.line) has no UID (skipped)"))
    }
    for warning in calendar.warnings {
      found.append(.malformed(path: path, reason: warning))
    }
    return CachedFile(stamp: stamp, calendar: calendar, problems: found)
  }
}
