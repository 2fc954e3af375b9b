import Foundation

/// Brings one collection's copy up to date: `sync-collection` (RFC 6578) from the stored
/// sync token where the server offers it, else a `calendar-query` over a time range; either
/// way only resources whose ETag changed are fetched, by `calendar-multiget`.
struct CalDAVCollectionSync {
  let session: DAVSession
  let cache: CalDAVCache
  let location: CalDAVLocation
  let collection: URL
  /// False to use calendar-query even where sync-collection is offered (for tests).
  var useSyncCollection = true

  /// Resources fetched by one multiget.
  static let batchSize = 50

  /// What one sync did, for tests and benchmarks.
  struct Outcome: Equatable {
    var fetched = 0
    var deleted = 0
    var usedSyncCollection = false
    /// Resources the server sent that could not be used (href and reason).
    var warnings: [String] = []
  }

  /// Syncs the collection; `range` is the time range a calendar-query copies.
  func run(range: ClosedRange<Date>, now: Date) throws(CalDAVError) -> Outcome {
    let folder = cache.folder(collection: collection, user: location.user)
    do { try cache.createDirectory(folder) } catch {
      throw .malformed(url: folder.path, reason: "cannot be created: \(error)")
    }
    var state = cache.state(of: folder)
      ?? CalDAVCache.CollectionState(url: collection.absoluteString, user: location.user)
    var outcome = Outcome()
    // What the server lists now: href → ETag (nil when it gave none).
    var listed: [String: String?] = [:]
    var complete = false  // the listing is the whole collection (else only changes)
    var deleted: [String] = []
    if useSyncCollection, state.rangeStart == nil,
       let changes = try syncCollection(from: state.syncToken)
    {
      outcome.usedSyncCollection = true
      listed = changes.changed
      deleted = changes.deleted
      complete = changes.complete
      state.syncToken = changes.token
    } else {
      let lower = range.lowerBound, upper = range.upperBound
      if let start = state.rangeStart, let end = state.rangeEnd, start <= lower, upper <= end {
        listed = try calendarQuery(start, end)
      } else {
        listed = try calendarQuery(lower, upper)
        state.rangeStart = lower
        state.rangeEnd = upper
      }
      complete = true
      state.syncToken = nil
    }
    if complete {
      deleted += state.resources.keys.filter { listed[$0] == nil }
    }
    for href in deleted {
      guard let resource = state.resources.removeValue(forKey: href) else { continue }
      unlink(folder.appendingPathComponent(resource.file).path)
      outcome.deleted += 1
    }
    let wanted = listed.filter { href, etag in
      guard let known = state.resources[href] else { return true }
      return etag == nil || known.etag != etag
    }.keys.sorted()
    var start = 0
    while start < wanted.count {
      let batch = Array(wanted[start..<min(start + CalDAVCollectionSync.batchSize, wanted.count)])
      start += batch.count
      for (href, result) in try multiget(batch) {
        switch result {
        case .success(let (etag, data)):
          let file = CalDAVCache.fileName(href: href)
          do { try cache.write(data, to: folder.appendingPathComponent(file)) } catch {
            outcome.warnings.append("\(display(href)): cannot be cached: \(error)")
            continue
          }
          state.resources[href] = .init(etag: etag ?? listed[href] ?? nil, file: file)
          outcome.fetched += 1
        case .failure(let reason):
          outcome.warnings.append("\(display(href)): \(reason.reason)")
        }
      }
    }
    state.lastSync = now
    do { try cache.save(state, in: folder) } catch {
      throw .malformed(url: folder.path, reason: "cannot be saved: \(error)")
    }
    return outcome
  }

  /// A resource's URL for messages.
  func display(_ href: String) -> String {
    CalDAVDiscovery.resolve(href, against: collection)?.absoluteString ?? href
  }

  /// Whether `href` names the collection itself rather than a member.
  private func isCollection(_ href: String) -> Bool {
    guard let url = CalDAVDiscovery.resolve(href, against: collection) else { return false }
    return url.path == collection.path || url.path + "/" == collection.path
  }

  // MARK: - sync-collection

  struct Changes {
    var changed: [String: String?] = [:]
    var deleted: [String] = []
    var token: String?
    /// Started without a token: `changed` is the whole collection.
    var complete: Bool
  }

  /// The changes since `token` (everything when nil), following truncated answers (507);
  /// nil when the server does not offer sync-collection here. An expired token starts over.
  private func syncCollection(from token: String?) throws(CalDAVError) -> Changes? {
    var changes = Changes(token: token, complete: token == nil)
    for _ in 0..<1000 {
      let body = """
        <?xml version="1.0" encoding="utf-8"?>
        <D:sync-collection xmlns:D="DAV:"><D:sync-token>\(DAV.escape(changes.token ?? ""))\
        </D:sync-token><D:sync-level>1</D:sync-level><D:prop><D:getetag/></D:prop>\
        </D:sync-collection>
        """
      let answer = try session.send("REPORT", collection, as: location, depth: "0", body: body)
      if answer.status != 207 {
        let text = String(decoding: answer.body.prefix(4096), as: UTF8.self)
        if changes.token != nil, text.contains("valid-sync-token") {
          // The server forgot the token: list everything again.
          changes = Changes(token: nil, complete: true)
          continue
        }
        if [400, 403, 404, 405, 415, 501].contains(answer.status) { return nil }
        throw .status(url: collection.absoluteString, code: answer.status,
                      doing: "REPORT sync-collection")
      }
      let parsed: (responses: [DAVResponse], syncToken: String?)
      do { parsed = try DAVResponse.multistatus(DAV.parse(answer.body)) } catch {
        throw .malformed(url: collection.absoluteString, reason: error.reason)
      }
      var truncated = false
      for response in parsed.responses {
        if isCollection(response.href) {
          if response.status == 507 { truncated = true }
          continue
        }
        if response.status == 404 {
          changes.deleted.append(response.href)
          changes.changed[response.href] = nil
        } else {
          changes.changed[response.href] = .some(etag(of: response))
        }
      }
      changes.token = parsed.syncToken ?? changes.token
      if !truncated { return changes }
    }
    return changes
  }

  private func etag(of response: DAVResponse) -> String? {
    response.property("getetag").map { $0.text.trimmingCharacters(in: .whitespacesAndNewlines) }
  }

  // MARK: - calendar-query

  /// Every event resource overlapping `start...end`, with its ETag.
  private func calendarQuery(_ start: Date, _ end: Date) throws(CalDAVError)
    -> [String: String?]
  {
    let body = """
      <?xml version="1.0" encoding="utf-8"?>
      <C:calendar-query xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav">\
      <D:prop><D:getetag/></D:prop><C:filter><C:comp-filter name="VCALENDAR">\
      <C:comp-filter name="VEVENT"><C:time-range start="\(CalDAVCollectionSync.utc(start))" \
      end="\(CalDAVCollectionSync.utc(end))"/></C:comp-filter></C:comp-filter></C:filter>\
      </C:calendar-query>
      """
    let (responses, _, _) = try session.multistatus(
      "REPORT", collection, as: location, depth: "1", body: body)
    var listed: [String: String?] = [:]
    for response in responses where !isCollection(response.href) && response.status != 404 {
      listed[response.href] = .some(etag(of: response))
    }
    return listed
  }

  static func utc(_ date: Date) -> String {
    var t = time_t(date.timeIntervalSince1970.rounded(.down))
    var parts = tm()
    gmtime_r(&t, &parts)
    return String(format: "%04d%02d%02dT%02d%02d%02dZ", Int(parts.tm_year) + 1900,
                  Int(parts.tm_mon) + 1, Int(parts.tm_mday), Int(parts.tm_hour),
                  Int(parts.tm_min), Int(parts.tm_sec))
  }

  // MARK: - calendar-multiget

  /// The calendar data and ETag of each href; a resource the server could not give, or
  /// gave without calendar data, is a failure naming why.
  private func multiget(_ hrefs: [String]) throws(CalDAVError)
    -> [(String, Result<(String?, Data), DAVXMLError>)]
  {
    let list = hrefs.map { "<D:href>\(DAV.escape($0))</D:href>" }.joined()
    let body = """
      <?xml version="1.0" encoding="utf-8"?>
      <C:calendar-multiget xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav">\
      <D:prop><D:getetag/><C:calendar-data/></D:prop>\(list)</C:calendar-multiget>
      """
    let (responses, _, _) = try session.multistatus(
      "REPORT", collection, as: location, depth: "1", body: body)
    var results: [(String, Result<(String?, Data), DAVXMLError>)] = []
    var seen = Set<String>()
    for response in responses {
      guard hrefs.contains(response.href), seen.insert(response.href).inserted else { continue }
      guard let data = response.property("calendar-data", DAV.caldav)?.text, !data.isEmpty else {
        results.append((response.href, .failure(DAVXMLError(
          reason: "the server gave no calendar data (status \(response.status ?? 200))"))))
        continue
      }
      results.append((response.href, .success((etag(of: response), Data(data.utf8)))))
    }
    return results
  }
}
