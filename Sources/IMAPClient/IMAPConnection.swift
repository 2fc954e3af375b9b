import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import NIOSSL

/// How a connection is secured.
public enum IMAPSecurity: Sendable, Equatable {
  /// TLS from the first byte (`imaps://`, port 993).
  case tls
  /// Plaintext, upgraded with STARTTLS when the server offers it (`imap://`, port 143);
  /// without STARTTLS only to a loopback address.
  case startTLS
}

/// Why a connection or command failed, in words that name no password.
public enum IMAPError: Error, Equatable, Sendable, CustomStringConvertible {
  /// The server could not be reached, or the connection broke.
  case unreachable(String)
  /// The server did not answer (connect, greeting or command) within the timeout; the
  /// connection is closed.
  case timedOut(String)
  /// The server refused the user name and password.
  case authenticationFailed
  /// TLS could not be set up (an untrusted certificate, a refused STARTTLS).
  case tls(String)
  /// A command answered NO or BAD.
  case refused(command: String, text: String)
  /// The server broke the protocol or a limit.
  case protocolError(String)

  public var description: String {
    switch self {
    case .unreachable(let s), .timedOut(let s): return s
    case .authenticationFailed: return "authentication failed"
    case .tls(let s): return s
    case .refused(let c, let t): return "the server refused \(c): \(t)"
    case .protocolError(let s): return s
    }
  }
}

/// A piece of a command line as sent.
public enum IMAPArgument: Sendable {
  /// Sent as written (atoms, sequence sets, parenthesized lists of atoms).
  case raw(String)
  /// An `astring`: quoted when it can be, else a literal.
  case string([UInt8])

  public static func string(_ s: String) -> IMAPArgument { .string(Array(s.utf8)) }
}

/// What a command got back: the untagged responses that arrived while it ran, then its
/// tagged completion (OK).
public struct IMAPCommandResult: Sendable {
  public var untagged: [IMAPResponse]
  public var completion: IMAPResponse
}

/// One IMAP connection on SwiftNIO, used from one thread at a time with blocking calls
/// (the index refreshes synchronously). Every wait is bounded by `timeout`; a timeout or a
/// dropped connection closes it, and later calls fail at once.
public final class IMAPConnection: @unchecked Sendable {
  public let host: String
  public let port: Int
  public let timeout: TimeAmount
  /// CAPABILITY as last announced, upper case.
  public private(set) var capabilities: Set<String> = []
  /// Whether ENABLE QRESYNC was accepted (`enableQResync`).
  public internal(set) var qresyncEnabled = false

  private let channel: Channel
  private let handler: ResponseHandler
  private var nextTag = 1

  /// Connects, reads the greeting, secures the connection as asked and reads the
  /// capabilities. `caFile` is a PEM file of further CAs to trust.
  public static func connect(host: String, port: Int, security: IMAPSecurity,
                             caFile: String?, timeout: TimeAmount = .seconds(30),
                             group: EventLoopGroup = MultiThreadedEventLoopGroup.singleton)
    throws(IMAPError) -> IMAPConnection
  {
    let handler = ResponseHandler()
    let tlsContext: NIOSSLContext?
    do {
      tlsContext = security == .tls ? try makeTLSContext(caFile: caFile) : nil
    } catch let error as IMAPError {
      throw error
    } catch {
      throw .tls("TLS setup failed: \(error)")
    }
    let bootstrap = ClientBootstrap(group: group)
      .connectTimeout(timeout)
      .channelOption(ChannelOptions.socketOption(.so_keepalive), value: 1)
      .channelInitializer { channel in
        channel.eventLoop.makeCompletedFuture {
          if let tlsContext {
            try channel.pipeline.syncOperations.addHandler(
              try IMAPConnection.makeTLSHandler(host: host, context: tlsContext))
          }
          try channel.pipeline.syncOperations.addHandler(handler)
        }
      }
    let channel: Channel
    do {
      channel = try bootstrap.connect(host: host, port: port).wait()
    } catch ChannelError.connectTimeout {
      throw .timedOut("cannot connect to \(host):\(port): connection timed out")
    } catch {
      throw .unreachable("cannot connect to \(host):\(port): \(IMAPConnection.describe(error))")
    }
    let connection = IMAPConnection(host: host, port: port, timeout: timeout, channel: channel,
                                    handler: handler)
    do throws(IMAPError) {
      let greeting = try connection.waitForGreeting()
      if greeting.status == "BYE" {
        throw IMAPError.unreachable("\(host):\(port) refused the connection: \(greeting.text)")
      }
      if security == .startTLS {
        try connection.readCapabilities()
        if connection.capabilities.contains("STARTTLS") {
          try connection.startTLS(caFile: caFile)
        } else if !IMAPConnection.isLoopback(host) {
          throw IMAPError.tls("\(host) offers no STARTTLS; AutoCapture sends a password in "
            + "plaintext only to a loopback address (use imaps://)")
        }
      }
      try connection.readCapabilities()
    } catch {
      connection.close()
      throw error
    }
    return connection
  }

  private init(host: String, port: Int, timeout: TimeAmount, channel: Channel,
               handler: ResponseHandler) {
    self.host = host; self.port = port; self.timeout = timeout; self.channel = channel
    self.handler = handler
  }

  /// Whether `host` names this machine: `localhost`, 127.0.0.0/8 or ::1.
  public static func isLoopback(_ host: String) -> Bool {
    let h = host.lowercased()
    if h == "localhost" || h == "::1" || h == "[::1]" { return true }
    let parts = h.split(separator: ".", omittingEmptySubsequences: false)
    return parts.count == 4 && parts[0] == "127" && parts.allSatisfy { UInt8($0) != nil }
  }

  private static func isIPAddress(_ host: String) -> Bool {
    host.contains(":") || host.split(separator: ".").count == 4
      && host.split(separator: ".").allSatisfy { UInt8($0) != nil }
  }

  private static func makeTLSContext(caFile: String?) throws -> NIOSSLContext {
    var configuration = TLSConfiguration.makeClientConfiguration()
    configuration.minimumTLSVersion = .tlsv12
    if let caFile {
      guard FileManager.default.isReadableFile(atPath: caFile) else {
        throw IMAPError.tls("cannot read the CA file \(caFile)")
      }
      configuration.additionalTrustRoots = [.file(caFile)]
    }
    return try NIOSSLContext(configuration: configuration)
  }

  private static func makeTLSHandler(host: String, context: NIOSSLContext) throws
    -> NIOSSLClientHandler
  {
    // SNI takes a name, not an address; an address is still checked against the
    // certificate's IP entries.
    return try NIOSSLClientHandler(
      context: context, serverHostname: isIPAddress(host) ? nil : host)
  }

  public var isOpen: Bool { channel.isActive && !handler.isFailed }

  /// Closes the connection without LOGOUT (the server sees it gone).
  public func close() {
    channel.close(promise: nil)
  }

  /// LOGOUT, then close; errors are ignored, the connection is done either way.
  public func logout() {
    if isOpen { _ = try? run("LOGOUT") }
    close()
  }

  // MARK: - Commands

  /// Runs one command (`UID FETCH 1:* (UID)`) and waits for its tagged completion.
  /// NO and BAD throw `.refused`, naming the command's first word (never its arguments,
  /// which may hold a password).
  @discardableResult
  public func run(_ command: String, _ arguments: [IMAPArgument] = []) throws(IMAPError)
    -> IMAPCommandResult
  {
    let tag = "A\(nextTag)"
    nextTag += 1
    let name = String(command.split(separator: " ").first ?? "")
    // The line is sent in pieces: up to each literal's size, then (after the server's
    // continuation, unless it takes LITERAL+) the literal's bytes.
    var pieces: [(bytes: [UInt8], waitsForContinuation: Bool)] = []
    var current = Array("\(tag) \(command)".utf8)
    let literalPlus = capabilities.contains("LITERAL+")
    for argument in arguments {
      current.append(0x20)
      switch argument {
      case .raw(let text):
        current += Array(text.utf8)
      case .string(let bytes):
        if IMAPConnection.canQuote(bytes) {
          current.append(UInt8(ascii: "\""))
          for b in bytes {
            if b == UInt8(ascii: "\"") || b == UInt8(ascii: "\\") { current.append(UInt8(ascii: "\\")) }
            current.append(b)
          }
          current.append(UInt8(ascii: "\""))
        } else {
          current += Array("{\(bytes.count)\(literalPlus ? "+" : "")}\r\n".utf8)
          pieces.append((current, !literalPlus))
          current = bytes
        }
      }
    }
    current += [0x0D, 0x0A]
    pieces.append((current, false))
    let completion = handler.expect(tag: tag, on: channel.eventLoop)
    for piece in pieces {
      let continuation = piece.waitsForContinuation
        ? handler.expectContinuation(on: channel.eventLoop) : nil
      var buffer = channel.allocator.buffer(capacity: piece.bytes.count)
      buffer.writeBytes(piece.bytes)
      channel.writeAndFlush(buffer, promise: nil)
      // A NO or BAD instead of "+" ends the command: the rest is not sent.
      if let continuation, try !wait(for: continuation) { break }
    }
    let (untagged, response) = try wait(for: completion)
    guard response.status == "OK" else {
      if name.uppercased() == "LOGIN" || name.uppercased() == "AUTHENTICATE" {
        throw .authenticationFailed
      }
      throw .refused(command: name.uppercased(), text: response.text)
    }
    return IMAPCommandResult(untagged: untagged, completion: response)
  }

  /// Quoted strings may not hold CR, LF, NUL or (before UTF8=ACCEPT) 8-bit bytes; long
  /// ones go as literals too.
  private static func canQuote(_ bytes: [UInt8]) -> Bool {
    bytes.count < 1000 && bytes.allSatisfy { $0 >= 0x20 && $0 < 0x7F }
  }

  /// LOGIN, or AUTHENTICATE PLAIN when the server offers it (with the initial response on
  /// the command line under SASL-IR). A refusal is `.authenticationFailed`.
  public func authenticate(user: String, password: String) throws(IMAPError) {
    if capabilities.contains("AUTH=PLAIN") {
      let token = Data(([0] + Array(user.utf8) + [0] + Array(password.utf8)))
        .base64EncodedString()
      if capabilities.contains("SASL-IR") {
        try run("AUTHENTICATE PLAIN", [.raw(token)])
      } else {
        try authenticateWithContinuation(token: token)
      }
    } else if capabilities.contains("LOGINDISABLED") {
      throw .tls("\(host) refuses logins on this connection (LOGINDISABLED)")
    } else {
      try run("LOGIN", [.string(user), .string(password)])
    }
    // The capabilities may change once logged in; a server may have sent them already.
    try readCapabilities()
  }

  private func authenticateWithContinuation(token: String) throws(IMAPError) {
    let tag = "A\(nextTag)"
    nextTag += 1
    let completion = handler.expect(tag: tag, on: channel.eventLoop)
    let continuation = handler.expectContinuation(on: channel.eventLoop)
    send("\(tag) AUTHENTICATE PLAIN\r\n")
    if try wait(for: continuation) { send(token + "\r\n") }
    let (_, response) = try wait(for: completion)
    guard response.status == "OK" else { throw .authenticationFailed }
  }

  /// Sends CAPABILITY and keeps the answer.
  public func readCapabilities() throws(IMAPError) {
    let result = try run("CAPABILITY")
    var caps = Set<String>()
    for response in result.untagged where response.name == "CAPABILITY" {
      for value in response.values.dropFirst() {
        if let a = value.atom { caps.insert(a.uppercased()) }
      }
    }
    capabilities = caps
  }

  private func startTLS(caFile: String?) throws(IMAPError) {
    try run("STARTTLS")
    // Bytes that came after the OK were sent before TLS and could be an attacker's
    // (response injection): refuse them.
    guard handler.bufferedCount == 0 else {
      close()
      throw .tls("\(host) sent data after agreeing to STARTTLS; connection closed")
    }
    do {
      let context = try IMAPConnection.makeTLSContext(caFile: caFile)
      try channel.eventLoop.submit { [channel, host] in
        try channel.pipeline.syncOperations.addHandler(
          try IMAPConnection.makeTLSHandler(host: host, context: context), position: .first)
      }.wait()
    } catch let error as IMAPError {
      throw error
    } catch {
      throw .tls("STARTTLS with \(host) failed: \(error)")
    }
  }

  private func send(_ text: String) {
    var buffer = channel.allocator.buffer(capacity: text.utf8.count)
    buffer.writeString(text)
    channel.writeAndFlush(buffer, promise: nil)
  }

  private func waitForGreeting() throws(IMAPError) -> IMAPResponse {
    try wait(for: handler.expectGreeting(on: channel.eventLoop))
  }

  /// Waits for `promise` at most `timeout`; on timeout the connection is closed, since
  /// what the server sends next would answer the wrong question.
  private func wait<T: Sendable>(for future: EventLoopFuture<T>) throws(IMAPError) -> T {
    let deadline = channel.eventLoop.scheduleTask(in: timeout) { [channel, host] in
      channel.pipeline.fireErrorCaught(
        IMAPError.timedOut("\(host) did not answer within \(IMAPConnection.seconds(self.timeout)) s"))
    }
    defer { deadline.cancel() }
    do {
      return try future.wait()
    } catch let error as IMAPError {
      throw error
    } catch NIOSSLError.uncleanShutdown {
      // The TCP connection ended without TLS's close: cut, not a TLS failure.
      throw .unreachable("\(host) closed the connection")
    } catch let error as NIOSSLError {
      throw .tls("TLS with \(host) failed: \(IMAPConnection.describe(error))")
    } catch {
      throw .unreachable("connection to \(host) failed: \(IMAPConnection.describe(error))")
    }
  }

  private func wait<T: Sendable>(for promise: EventLoopPromise<T>) throws(IMAPError) -> T {
    try wait(for: promise.futureResult)
  }

  private static func seconds(_ t: TimeAmount) -> Int64 { t.nanoseconds / 1_000_000_000 }

  /// An error in words: NIO's connection errors name the address and the system's reason.
  static func describe(_ error: Error) -> String {
    if let ssl = error as? NIOSSLError {
      switch ssl {
      case .handshakeFailed:
        return "the handshake failed: is the server's certificate signed by a CA this machine "
          + "trusts and made for this host name? (--tls-ca-file trusts another CA)"
      default: return "TLS: \(ssl)"
      }
    }
    if let e = error as? IOError { return e.description }
    if let e = error as? ChannelError {
      switch e {
      case .connectTimeout: return "connection timed out"
      case .ioOnClosedChannel, .alreadyClosed, .eof: return "the connection was closed"
      default: return "\(e)"
      }
    }
    return "\(error)"
  }

  private var bufferedCount: Int { handler.bufferedCount }
}

/// Frames and parses what the server sends, on the channel's event loop, and hands each
/// response to whoever waits for it: the greeting, a continuation, or a tagged command
/// (which also collects the untagged responses that arrive while it runs).
final class ResponseHandler: ChannelInboundHandler, @unchecked Sendable {
  typealias InboundIn = ByteBuffer

  private var framer = ResponseFramer()
  private let lock = NIOLock()
  private var greeting: EventLoopPromise<IMAPResponse>?
  private var gotGreeting = false
  /// True on "+"; false when the command completed instead.
  private var continuation: EventLoopPromise<Bool>?
  private var pending: [String: EventLoopPromise<([IMAPResponse], IMAPResponse)>] = [:]
  private var untagged: [IMAPResponse] = []
  private var failure: Error?
  private var buffered = 0

  var isFailed: Bool { lock.withLock { failure != nil } }
  var bufferedCount: Int { lock.withLock { buffered } }

  func expectGreeting(on loop: EventLoop) -> EventLoopPromise<IMAPResponse> {
    let promise = loop.makePromise(of: IMAPResponse.self)
    loop.execute {
      if let failure = self.lock.withLock({ self.failure }) { promise.fail(failure); return }
      if self.gotGreeting, let first = self.untagged.first {
        self.untagged.removeFirst()
        promise.succeed(first)
      } else {
        self.greeting = promise
      }
    }
    return promise
  }

  func expectContinuation(on loop: EventLoop) -> EventLoopPromise<Bool> {
    let promise = loop.makePromise(of: Bool.self)
    loop.execute {
      if let failure = self.lock.withLock({ self.failure }) { promise.fail(failure); return }
      self.continuation = promise
    }
    return promise
  }

  func expect(tag: String, on loop: EventLoop)
    -> EventLoopPromise<([IMAPResponse], IMAPResponse)>
  {
    let promise = loop.makePromise(of: ([IMAPResponse], IMAPResponse).self)
    loop.execute {
      if let failure = self.lock.withLock({ self.failure }) { promise.fail(failure); return }
      self.pending[tag] = promise
    }
    return promise
  }

  func channelRead(context: ChannelHandlerContext, data: NIOAny) {
    var buffer = unwrapInboundIn(data)
    if let bytes = buffer.readBytes(length: buffer.readableBytes) {
      framer.append(bytes)
    }
    do {
      while let frame = try framer.next() {
        handle(try ResponseParser.parse(frame, limits: framer.limits))
      }
      lock.withLock { buffered = framer.bufferedCount }
    } catch {
      fail(IMAPError.protocolError("\(error)"), context: context)
    }
  }

  private func handle(_ response: IMAPResponse) {
    switch response.kind {
    case .continuation:
      let waiting = continuation
      continuation = nil
      waiting?.succeed(true)
    case .untagged:
      if !gotGreeting {
        gotGreeting = true
        if let greeting {
          self.greeting = nil
          greeting.succeed(response)
          return
        }
      }
      untagged.append(response)
    case .tagged(let tag):
      guard let promise = pending.removeValue(forKey: tag) else { return }
      let waiting = continuation
      continuation = nil
      waiting?.succeed(false)
      let collected = untagged
      untagged = []
      promise.succeed((collected, response))
    }
  }

  func errorCaught(context: ChannelHandlerContext, error: Error) {
    fail(error, context: context)
  }

  func channelInactive(context: ChannelHandlerContext) {
    fail(IMAPError.unreachable("the server closed the connection"), context: context)
    context.fireChannelInactive()
  }

  private func fail(_ error: Error, context: ChannelHandlerContext) {
    let first: Bool = lock.withLock {
      if failure != nil { return false }
      failure = error
      return true
    }
    guard first else { return }
    greeting?.fail(error)
    greeting = nil
    continuation?.fail(error)
    continuation = nil
    for (_, promise) in pending { promise.fail(error) }
    pending = [:]
    context.close(promise: nil)
  }
}
