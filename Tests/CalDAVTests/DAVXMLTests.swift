@testable import CalDAV
import Foundation
import Testing

/// The WebDAV XML reader and the URL rules, without a server.
struct DAVXMLTests {
  @Test func aMultistatusGivesHrefsStatusesPropertiesAndTheSyncToken() throws {
    let xml = """
      <?xml version="1.0"?>
      <d:multistatus xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav">
        <d:response><d:href>/cal/a.ics</d:href>
          <d:propstat><d:prop><d:getetag>"1"</d:getetag>
            <c:calendar-data><![CDATA[BEGIN:VCALENDAR]]></c:calendar-data></d:prop>
            <d:status>HTTP/1.1 200 OK</d:status></d:propstat>
          <d:propstat><d:prop><d:displayname/></d:prop>
            <d:status>HTTP/1.1 404 Not Found</d:status></d:propstat></d:response>
        <d:response><d:href>/cal/b.ics</d:href><d:status>HTTP/1.1 404 Not Found</d:status>
        </d:response>
        <d:sync-token>tok-2</d:sync-token>
      </d:multistatus>
      """
    let (responses, token) = try DAVResponse.multistatus(DAV.parse(Data(xml.utf8)))
    #expect(token == "tok-2")
    #expect(responses.map(\.href) == ["/cal/a.ics", "/cal/b.ics"])
    #expect(responses[0].property("getetag")?.text == "\"1\"")
    #expect(responses[0].property("calendar-data", DAV.caldav)?.text == "BEGIN:VCALENDAR")
    #expect(responses[0].property("displayname") == nil)
    #expect(responses[1].status == 404)
  }

  @Test func hostileXMLIsRefusedWithAReason() {
    let bomb = """
      <?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>
      <d:multistatus xmlns:d="DAV:">&b;</d:multistatus>
      """
    let deep = String(repeating: "<a>", count: 200) + String(repeating: "</a>", count: 200)
    for (text, words) in [(bomb, "DOCTYPE"), (deep, "deeper"), ("not xml <", "well-formed")] {
      do {
        _ = try DAV.parse(Data(text.utf8))
        Issue.record("accepted: \(text.prefix(40))")
      } catch {
        #expect(error.reason.contains(words), "\(error.reason)")
      }
    }
    #expect(throws: DAVXMLError.self) {
      try DAVResponse.multistatus(DAV.parse(Data("<html xmlns='DAV:'/>".utf8)))
    }
  }

  @Test func urlsArePlainToLoopbackOnlyAndCarryNoPassword() throws {
    let location = try CalDAVLocation("https://dana@cal.example.com/dav/")
    #expect(location.user == "dana")
    #expect(location.url.absoluteString == "https://cal.example.com/dav/")
    #expect(location.description == "https://dana@cal.example.com/dav/")
    #expect(try CalDAVLocation("http://dana@127.0.0.1:5232/").url.port == 5232)
    #expect(try CalDAVLocation("https://dana%40fastmail.com@caldav.fastmail.com/dav/").user
      == "dana@fastmail.com")
    #expect(try CalDAVLocation("http://localhost/").user == nil)
    for (text, words) in [("http://dana@cal.example.com/", "in clear"),
                          ("https://dana:secret@cal.example.com/", "carries a password"),
                          ("ftp://cal.example.com/", "https://"),
                          ("cal.example.com", "not a CalDAV URL")] {
      do {
        _ = try CalDAVLocation(text)
        Issue.record("accepted \(text)")
      } catch {
        #expect("\(error)".contains(words), "\(error)")
        #expect(!"\(error)".contains("secret"))
      }
    }
  }

  @Test func thePasswordIsTheFirstLineOfTheCommandElseTheEnvironment() throws {
    #expect(try CalDAVPassword.resolve(command: "printf 'pw one\\nsecond\\n'",
                                       environment: [:]) == "pw one")
    #expect(try CalDAVPassword.resolve(command: nil,
                                       environment: ["AUTOCAPTURE_CALDAV_PASSWORD": "e"]) == "e")
    #expect(try CalDAVPassword.resolve(command: nil, environment: [:]) == nil)
    #expect(throws: CalDAVError.self) {
      try CalDAVPassword.resolve(command: "echo leaked; exit 3", environment: [:])
    }
  }
}
