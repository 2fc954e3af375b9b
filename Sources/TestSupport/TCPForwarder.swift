import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// A TCP forwarder on 127.0.0.1 to a test server that a test can break: cut off (nothing
/// listens on its port, so connecting is refused), restored on the same port, or set to drop
/// each connection after so many bytes from the server (a connection lost mid-response).
/// The server as the client sees it misbehaves without disturbing the server other tests use.
public final class TCPForwarder: @unchecked Sendable {
  public let port: Int
  private let target: Int
  private let lock = NSLock()
  private var listener: Int32 = -1
  private var sockets: [Int32] = []
  private var isCut = false
  private var accepted = 0
  private var dropAfter: (bytes: Int, connections: Int)?

  public init(to target: Int) throws {
    self.target = target
    let (listener, port) = try TCPForwarder.openListener(port: 0)
    self.listener = listener
    self.port = port
    startAccepting(listener)
  }

  /// Connections accepted so far.
  public var connections: Int {
    lock.lock()
    defer { lock.unlock() }
    return accepted
  }

  /// The next `connections` connections are dropped, both ways, once the server has sent
  /// `bytes` bytes on each (TLS included); later ones are forwarded whole.
  public func drop(afterServerBytes bytes: Int, connections: Int = .max) {
    lock.lock()
    dropAfter = (bytes, connections)
    lock.unlock()
  }

  /// Later connections are forwarded whole again.
  public func forwardWhole() {
    lock.lock()
    dropAfter = nil
    lock.unlock()
  }

  /// Stops listening and drops every connection: the server is now unreachable.
  public func cutOff() {
    lock.lock()
    isCut = true
    let open = sockets
    let l = listener
    sockets = []
    listener = -1
    lock.unlock()
    if l >= 0 {
      shutdown(l, Int32(SHUT_RDWR))
      close(l)
    }
    for s in open { shutdown(s, Int32(SHUT_RDWR)) }
  }

  /// Listens on the same port again: the server is back.
  public func restore() throws {
    let (l, _) = try TCPForwarder.openListener(port: port)
    lock.lock()
    isCut = false
    listener = l
    lock.unlock()
    startAccepting(l)
  }

  deinit { cutOff() }

  private static func openListener(port: Int) throws -> (Int32, Int) {
    let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    var yes: Int32 = 1
    setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = UInt16(port).bigEndian
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
        bind(listener, pointer, length) == 0 && listen(listener, 16) == 0
          && getsockname(listener, pointer, &length) == 0
      }
    }
    guard bound else {
      close(listener)
      throw TestServers.Missing(description: "forwarder: cannot listen on 127.0.0.1:\(port)")
    }
    return (listener, Int(UInt16(bigEndian: address.sin_port)))
  }

  private func startAccepting(_ listener: Int32) {
    Thread { [self] in acceptLoop(listener) }.start()
  }

  private func acceptLoop(_ listener: Int32) {
    while true {
      let client = accept(listener, nil, nil)
      guard client >= 0 else { return }
      let server = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
      var address = sockaddr_in()
      address.sin_family = sa_family_t(AF_INET)
      address.sin_addr.s_addr = inet_addr("127.0.0.1")
      address.sin_port = UInt16(target).bigEndian
      let connected = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
          connect(server, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
        }
      }
      lock.lock()
      let cut = isCut
      accepted += 1
      sockets += [client, server]
      let limit = dropAfter.map { $0.connections > 0 ? $0.bytes : .max } ?? .max
      if let d = dropAfter {
        dropAfter = d.connections <= 1 ? nil : (d.bytes, d.connections - 1)
      }
      lock.unlock()
      guard connected, !cut else {
        close(client)
        close(server)
        continue
      }
      Thread { TCPForwarder.pump(from: client, to: server, limit: .max) }.start()
      Thread { TCPForwarder.pump(from: server, to: client, limit: limit) }.start()
    }
  }

  /// Copies until either side closes, or until `limit` bytes have gone (then both close).
  private static func pump(from: Int32, to: Int32, limit: Int) {
    var buffer = [UInt8](repeating: 0, count: 65536)
    var total = 0
    while true {
      let n = read(from, &buffer, min(buffer.count, limit - total))
      if n <= 0 { break }
      var sent = 0
      while sent < n {
        let w = buffer[sent..<n].withUnsafeBytes { write(to, $0.baseAddress, n - sent) }
        if w <= 0 { shutdown(from, Int32(SHUT_RDWR)); return }
        sent += w
      }
      total += n
      if total >= limit {
        shutdown(from, Int32(SHUT_RDWR))
        break
      }
    }
    shutdown(to, Int32(SHUT_RDWR))
  }
}
