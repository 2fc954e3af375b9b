import Foundation

/// A failure talking to tmux, or a wait that timed out (with the screen as last seen).
public struct TmuxError: Error, CustomStringConvertible, Sendable {
  public var message: String
  public var description: String { message }
}

/// Drives a program in a detached tmux server of its own, for end-to-end TUI tests.
///
/// Each session starts a private server (`tmux -L <unique socket>`) with no user config,
/// runs `command` in a `width × height` window with `LANG=C.UTF-8` and
/// `TERM=xterm-256color`, and kills that server on ``kill()`` or deinit, so tests never touch
/// the user's tmux or each other. The pane stays after the command exits
/// (`remain-on-exit`) so its last output can still be captured. Waits poll `capture-pane`
/// every 50 ms until the text appears: no fixed sleeps.
public final class TmuxSession: @unchecked Sendable {
  /// The tmux executable, or nil when tmux is not installed (tests should skip with a note).
  public static let executable: URL? = {
    let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
    for directory in path.split(separator: ":") {
      let candidate = URL(fileURLWithPath: String(directory)).appendingPathComponent("tmux")
      if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
    }
    return nil
  }()

  /// True when tmux can be run.
  public static var isAvailable: Bool { executable != nil }

  /// The `-L` socket name of this session's private server.
  public let socket: String
  /// The tmux target of the session's only pane.
  public let target = "autocapture:0.0"
  private let configFile: URL
  private let lock = NSLock()
  private var killed = false

  /// Starts `command` (run by the shell) in a new detached session.
  ///
  /// - Parameters:
  ///   - environment: extra variables for the command (on top of LANG and TERM).
  ///   - workingDirectory: where the command starts (the current directory when nil).
  public init(
    command: String, width: Int = 100, height: Int = 30,
    environment: [String: String] = [:], workingDirectory: URL? = nil
  ) throws {
    guard TmuxSession.isAvailable else {
      throw TmuxError(message: "tmux is not installed (CI installs it with .ci/install-deps)")
    }
    socket = "autocapture-test-\(getpid())-\(UUID().uuidString.prefix(8))"
    configFile = FileManager.default.temporaryDirectory
      .appendingPathComponent("\(socket).conf")
    try "set -g remain-on-exit on\nset -g status off\nset -g history-limit 2000\n"
      .write(to: configFile, atomically: true, encoding: .utf8)
    var arguments = [
      "-f", configFile.path, "new-session", "-d", "-s", "autocapture",
      "-x", String(width), "-y", String(height),
      "-e", "LANG=C.UTF-8", "-e", "TERM=xterm-256color",
    ]
    for (name, value) in environment.sorted(by: { $0.key < $1.key }) {
      arguments += ["-e", "\(name)=\(value)"]
    }
    if let workingDirectory { arguments += ["-c", workingDirectory.path] }
    arguments.append(command)
    try run(arguments)
  }

  deinit { kill() }

  /// Sends keys by tmux name, each argument one key or string: `"Enter"`, `"Escape"`,
  /// `"Tab"`, `"BTab"`, `"Up"`, `"PageDown"`, `"C-c"`, `"j"`, `"/Fab"`.
  public func send(keys: String...) throws {
    try run(["send-keys", "-t", target] + keys)
  }

  /// Types `text` literally (no key-name lookup), e.g. a search string.
  public func type(_ text: String) throws {
    try run(["send-keys", "-t", target, "-l", text])
  }

  /// The visible screen as text, one line per row (tmux trims trailing spaces).
  ///
  /// Lines in tmux's history are not in it, and the first line a command prints may already
  /// be there: a detached session's pane can start a size smaller than asked and scroll
  /// when resized (`#{history_size}` was 1 after one wrapped error line). A TUI draws on the
  /// alternate screen, which has no history; for a plain program's output, check what its
  /// last lines say, or run it under `script(1)` (TUIEndToEndTests does).
  public func capture() throws -> String {
    try run(["capture-pane", "-p", "-t", target])
  }

  /// Polls the screen every 50 ms until it contains `text`; returns that screen, or throws
  /// after `timeout` with the last screen in the message.
  @discardableResult
  public func waitFor(_ text: String, timeout: Duration = .seconds(10)) throws -> String {
    try waitUntil("\"\(text)\" on screen", timeout: timeout) { $0.contains(text) }
  }

  /// Polls the screen every 50 ms until `condition` holds for it; returns that screen, or
  /// throws after `timeout` naming `what` and showing the last screen.
  @discardableResult
  public func waitUntil(
    _ what: String, timeout: Duration = .seconds(10), _ condition: (String) -> Bool
  ) throws -> String {
    let clock = ContinuousClock()
    let deadline = clock.now.advanced(by: timeout)
    var screen = ""
    while true {
      screen = try capture()
      if condition(screen) { return screen }
      if clock.now >= deadline { break }
      Thread.sleep(forTimeInterval: 0.05)
    }
    throw TmuxError(message: "timed out after \(timeout) waiting for \(what); screen:\n\(screen)")
  }

  /// Resizes the window (the program receives SIGWINCH).
  public func resize(width: Int, height: Int) throws {
    try run(["resize-window", "-t", target, "-x", String(width), "-y", String(height)])
  }

  /// True while the command in the pane is still running.
  public func isRunning() throws -> Bool {
    try run(["display-message", "-p", "-t", target, "#{pane_dead}"])
      .trimmingCharacters(in: .whitespacesAndNewlines) == "0"
  }

  /// Kills this session's private server (idempotent).
  public func kill() {
    lock.lock()
    let already = killed
    killed = true
    lock.unlock()
    if already { return }
    _ = try? run(["kill-server"], allowFailure: true)
    try? FileManager.default.removeItem(at: configFile)
  }

  /// Runs `tmux -L socket arguments…` and returns its standard output.
  ///
  /// Spawned directly (not with Foundation's `Process`): the first command forks the tmux
  /// server, which keeps every descriptor it inherits, so a pipe, or the socket `Process` uses
  /// to notice its child's exit, would never close and the call would hang. Here the child
  /// gets only files for its output, no other descriptors, an empty signal mask (test runners
  /// block signals on their threads; a server started with them blocked ignores
  /// `kill-server`'s SIGHUP to its panes) and default signal actions.
  @discardableResult
  private func run(_ arguments: [String], allowFailure: Bool = false) throws -> String {
    guard let executable = TmuxSession.executable else {
      throw TmuxError(message: "tmux is not installed")
    }
    let base = FileManager.default.temporaryDirectory
      .appendingPathComponent("\(socket)-\(UUID().uuidString.prefix(8))")
    let outputPath = base.path + ".out"
    let errorPath = base.path + ".err"
    defer {
      unlink(outputPath)
      unlink(errorPath)
    }
    var environment = ProcessInfo.processInfo.environment
    environment["TMUX"] = nil
    environment["LANG"] = "C.UTF-8"
    let status = try spawnAndWait(
      executable.path, arguments: ["tmux", "-L", socket] + arguments,
      environment: environment.map { "\($0.key)=\($0.value)" },
      outputPath: outputPath, errorPath: errorPath)
    let output = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
    if status != 0 && !allowFailure {
      let message = (try? String(contentsOfFile: errorPath, encoding: .utf8)) ?? ""
      throw TmuxError(message: "tmux \(arguments.first ?? "") failed (\(status)): \(message)")
    }
    return output
  }
}

/// Spawns `path` with stdin from /dev/null and stdout/stderr into the given files, no other
/// descriptors, an empty signal mask and default signal actions; waits and returns its exit
/// status (128 + signal when killed).
private func spawnAndWait(
  _ path: String, arguments: [String], environment: [String], outputPath: String,
  errorPath: String
) throws -> Int32 {
  var actions = posix_spawn_file_actions_t()
  posix_spawn_file_actions_init(&actions)
  defer { posix_spawn_file_actions_destroy(&actions) }
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
  posix_spawn_file_actions_addopen(&actions, 1, outputPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
  posix_spawn_file_actions_addopen(&actions, 2, errorPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
  closeInheritedDescriptors(&actions)

  var attributes = posix_spawnattr_t()
  posix_spawnattr_init(&attributes)
  defer { posix_spawnattr_destroy(&attributes) }
  var emptyMask = sigset_t()
  sigemptyset(&emptyMask)
  posix_spawnattr_setsigmask(&attributes, &emptyMask)
  var defaults = sigset_t()
  sigemptyset(&defaults)
  for signalNumber in [SIGHUP, SIGINT, SIGTERM, SIGPIPE, SIGQUIT, SIGCHLD] {
    sigaddset(&defaults, signalNumber)
  }
  posix_spawnattr_setsigdefault(&attributes, &defaults)
  posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

  let argv = arguments.map { strdup($0) } + [nil]
  let envp = environment.map { strdup($0) } + [nil]
  defer {
    argv.forEach { free($0) }
    envp.forEach { free($0) }
  }
  var pid: pid_t = 0
  let spawned = posix_spawn(&pid, path, &actions, &attributes, argv, envp)
  guard spawned == 0 else {
    throw TmuxError(message: "could not start \(path): \(String(cString: strerror(spawned)))")
  }
  var status: Int32 = 0
  while waitpid(pid, &status, 0) == -1 {
    guard errno == EINTR else {
      throw TmuxError(message: "waiting for \(path) failed: \(String(cString: strerror(errno)))")
    }
  }
  let signalNumber = status & 0x7F
  return signalNumber == 0 ? (status >> 8) & 0xFF : 128 + signalNumber
}

/// Adds "close every descriptor from 3 up" to `actions`, through glibc's
/// `posix_spawn_file_actions_addclosefrom_np` (2.34+, looked up at run time because the Swift
/// Glibc module does not export it), else by closing each descriptor open now.
private func closeInheritedDescriptors(_ actions: inout posix_spawn_file_actions_t) {
  typealias CloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32)
    -> Int32
  if let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0),
                        "posix_spawn_file_actions_addclosefrom_np") {
    let closeFrom = unsafeBitCast(symbol, to: CloseFrom.self)
    if closeFrom(&actions, 3) == 0 { return }
  }
  let open = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []
  for descriptor in open.compactMap(Int32.init) where descriptor > 2 {
    posix_spawn_file_actions_addclose(&actions, descriptor)
  }
}
