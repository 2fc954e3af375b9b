import Foundation

#if canImport(FoundationXML)
  import FoundationXML
#endif

/// One element of a WebDAV response: its namespace and local name, its text and children.
struct DAVElement: Sendable {
  var namespace: String
  var name: String
  var attributes: [String: String] = [:]
  var text: String = ""
  var children: [DAVElement] = []

  /// The first child named so (in the DAV: namespace unless told otherwise).
  func child(_ name: String, _ namespace: String = DAV.dav) -> DAVElement? {
    children.first { $0.name == name && $0.namespace == namespace }
  }

  func children(_ name: String, _ namespace: String = DAV.dav) -> [DAVElement] {
    children.filter { $0.name == name && $0.namespace == namespace }
  }

  /// The text of the first `href` child, trimmed.
  var href: String? {
    child("href").map { $0.text.trimmingCharacters(in: .whitespacesAndNewlines) }
  }
}

enum DAV {
  static let dav = "DAV:"
  static let caldav = "urn:ietf:params:xml:ns:caldav"
  static let calendarServer = "http://calendarserver.org/ns/"

  /// Deeper than any WebDAV response nests (a multistatus is about six levels deep).
  static let maximumDepth = 32
  /// Elements in one response; a multiget of 100 events has a few thousand.
  static let maximumElements = 1_000_000

  /// Parses a WebDAV XML body into its root element. A DOCTYPE is refused (no WebDAV
  /// response has one, and entity definitions are how a hostile server would blow up a
  /// parser), as is nesting deeper than `maximumDepth` or more than `maximumElements`.
  static func parse(_ data: Data) throws(DAVXMLError) -> DAVElement {
    if data.range(of: Data("<!DOCTYPE".utf8)) != nil
      || data.range(of: Data("<!ENTITY".utf8)) != nil
    {
      throw DAVXMLError(reason: "has a DOCTYPE or ENTITY declaration")
    }
    let builder = TreeBuilder()
    let parser = XMLParser(data: data)
    parser.shouldProcessNamespaces = true
    parser.shouldResolveExternalEntities = false
    parser.delegate = builder
    let ok = parser.parse()
    if let problem = builder.problem { throw DAVXMLError(reason: problem) }
    guard ok, let root = builder.root else {
      let reason = parser.parserError.map { "\($0.localizedDescription)" } ?? "not XML"
      throw DAVXMLError(reason: "is not well-formed XML (\(reason), line \(parser.lineNumber))")
    }
    return root
  }

  private final class TreeBuilder: NSObject, XMLParserDelegate {
    var stack: [DAVElement] = []
    var root: DAVElement?
    var problem: String?
    var count = 0

    func parser(_ parser: XMLParser, didStartElement elementName: String,
                namespaceURI: String?, qualifiedName: String?,
                attributes: [String: String] = [:]) {
      count += 1
      if stack.count >= DAV.maximumDepth || count > DAV.maximumElements {
        problem = stack.count >= DAV.maximumDepth
          ? "nests deeper than \(DAV.maximumDepth) elements"
          : "has more than \(DAV.maximumElements) elements"
        parser.abortParsing()
        return
      }
      stack.append(DAVElement(namespace: namespaceURI ?? "", name: elementName,
                              attributes: attributes))
    }

    func parser(_ parser: XMLParser, didEndElement elementName: String,
                namespaceURI: String?, qualifiedName: String?) {
      guard let done = stack.popLast() else { return }
      if stack.isEmpty { root = done } else { stack[stack.count - 1].children.append(done) }
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
      guard !stack.isEmpty else { return }
      stack[stack.count - 1].text += string
    }

    func parser(_ parser: XMLParser, foundCDATA CDATABlock: Data) {
      guard !stack.isEmpty else { return }
      stack[stack.count - 1].text += String(decoding: CDATABlock, as: UTF8.self)
    }
  }

  /// Text escaped for an XML element's content.
  static func escape(_ text: String) -> String {
    var out = ""
    for c in text {
      switch c {
      case "&": out += "&amp;"
      case "<": out += "&lt;"
      case ">": out += "&gt;"
      case "\"": out += "&quot;"
      default: out.append(c)
      }
    }
    return out
  }
}

struct DAVXMLError: Error, Sendable {
  var reason: String
}

/// One `response` of a multistatus: the resource, its status or its properties that came
/// back with 200.
struct DAVResponse: Sendable {
  var href: String
  /// The response's own status (`HTTP/1.1 404 Not Found` → 404), when it has one.
  var status: Int?
  /// Properties found (propstat with a 2xx status).
  var properties: [DAVElement]

  func property(_ name: String, _ namespace: String = DAV.dav) -> DAVElement? {
    properties.first { $0.name == name && $0.namespace == namespace }
  }

  /// The multistatus's responses, and its top-level `sync-token` (RFC 6578).
  static func multistatus(_ root: DAVElement) throws(DAVXMLError)
    -> (responses: [DAVResponse], syncToken: String?)
  {
    guard root.name == "multistatus", root.namespace == DAV.dav else {
      throw DAVXMLError(reason: "is not a DAV:multistatus (\(root.name))")
    }
    var responses: [DAVResponse] = []
    for element in root.children("response") {
      guard let href = element.href, !href.isEmpty else { continue }
      var properties: [DAVElement] = []
      for propstat in element.children("propstat") {
        let status = propstat.child("status").flatMap { statusCode($0.text) } ?? 200
        guard (200..<300).contains(status), let prop = propstat.child("prop") else { continue }
        properties += prop.children
      }
      responses.append(DAVResponse(
        href: href, status: element.child("status").flatMap { statusCode($0.text) },
        properties: properties))
    }
    let token = root.child("sync-token").map {
      $0.text.trimmingCharacters(in: .whitespacesAndNewlines)
    }
    return (responses, token)
  }

  /// `HTTP/1.1 404 Not Found` → 404.
  static func statusCode(_ line: String) -> Int? {
    let parts = line.split(separator: " ")
    guard parts.count >= 2 else { return nil }
    return Int(parts[1])
  }
}
