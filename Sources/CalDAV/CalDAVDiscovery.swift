import Foundation

/// Finds the calendar collections a `--caldav` URL stands for (RFC 4791 section 6, RFC 5397):
/// the collection itself; every calendar of a calendar home; from a principal or the
/// server's root, the home named by `calendar-home-set` (through `current-user-principal`).
enum CalDAVDiscovery {
  static let propfindBody = """
    <?xml version="1.0" encoding="utf-8"?>
    <D:propfind xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav">\
    <D:prop><D:resourcetype/><D:current-user-principal/><C:calendar-home-set/>\
    <C:supported-calendar-component-set/></D:prop></D:propfind>
    """

  static func collections(at location: CalDAVLocation, session: DAVSession) throws(CalDAVError)
    -> [URL]
  {
    var url = location.url
    var visited = Set<String>()
    // Root → principal → home: at most three steps.
    for _ in 0..<4 {
      guard visited.insert(url.absoluteString).inserted else { break }
      let (responses, _, answered) = try session.multistatus(
        "PROPFIND", url, as: location, depth: "0", body: propfindBody)
      let me = responses.first { resolve($0.href, against: answered) == answered }
        ?? responses.first
      guard let me else { break }
      if isCalendar(me) { return [answered] }
      if let home = me.property("calendar-home-set", DAV.caldav)?.href,
         let homeURL = resolve(home, against: answered)
      {
        return try calendars(in: homeURL, location: location, session: session)
      }
      if let principal = me.property("current-user-principal")?.href,
         let principalURL = resolve(principal, against: answered),
         principalURL != answered
      {
        url = principalURL
        continue
      }
      // Neither calendar nor principal: a home given directly (some servers do not name
      // themselves as one).
      return try calendars(in: answered, location: location, session: session)
    }
    return try calendars(in: url, location: location, session: session)
  }

  /// The calendar collections directly inside `home` that hold events.
  static func calendars(in home: URL, location: CalDAVLocation, session: DAVSession)
    throws(CalDAVError) -> [URL]
  {
    let (responses, _, answered) = try session.multistatus(
      "PROPFIND", home, as: location, depth: "1", body: propfindBody)
    var found: [URL] = []
    for response in responses where isCalendar(response) {
      guard let url = resolve(response.href, against: answered), url != answered,
            !found.contains(url) else { continue }
      found.append(url)
    }
    return found.sorted { $0.absoluteString < $1.absoluteString }
  }

  /// A calendar collection that may hold events (a tasks-only list is left out).
  static func isCalendar(_ response: DAVResponse) -> Bool {
    guard let type = response.property("resourcetype"),
          type.child("calendar", DAV.caldav) != nil else { return false }
    guard let set = response.property("supported-calendar-component-set", DAV.caldav),
          !set.children.isEmpty else { return true }
    return set.children("comp", DAV.caldav).contains {
      $0.attributes["name"]?.uppercased() == "VEVENT"
    }
  }

  /// An href of a multistatus as an absolute URL (hrefs are usually absolute paths).
  static func resolve(_ href: String, against base: URL) -> URL? {
    URL(string: href, relativeTo: base)?.absoluteURL
  }
}
