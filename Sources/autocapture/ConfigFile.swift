import CaptureCore
import Foundation
import TOMLKit

/// Defaults for the workspace options from `$XDG_CONFIG_HOME/autocapture/config.toml`
/// (else, or when it is not absolute, `~/.config/autocapture/config.toml`), or the file named by `AUTOCAPTURE_CONFIG`.
///
/// Keys: `db`, `user`, `maildir`, `mbox`, `calendar`, `caldav` (a string or an array of
/// strings), `caldav-password-command`, `tls-ca-file`, `index-dir`, `theme`, `max-emails`, `meeting-window-hours`. Options on the command line
/// win over the file. Paths may start with `~`.
struct ConfigFile {
  var db: String?
  var user: String?
  var maildir: [String] = []
  var mbox: [String] = []
  var calendar: [String] = []
  var caldav: [String] = []
  var caldavPasswordCommand: String?
  var tlsCAFile: String?
  var indexDir: String?
  var theme: String?
  var maxEmails: Int?
  var meetingWindowHours: Int?

  /// The config file's path. Plain strings, not `URL`: building the first `URL` of a
  /// process cost ~0.4 ms, a noticeable share of a one-shot command.
  static var defaultPath: String {
    if let path = Environment.value("AUTOCAPTURE_CONFIG"), !path.isEmpty { return path }
    if let xdg = Environment.baseDirectory("XDG_CONFIG_HOME") {
      return xdg + "/autocapture/config.toml"
    }
    return Environment.homeDirectory() + "/.config/autocapture/config.toml"
  }

  /// The config file, or nil when there is none; a broken file is an error naming it.
  /// A file named by `AUTOCAPTURE_CONFIG` must exist: a typo there must not quietly run
  /// without the settings it was meant to bring (an empty file brings none).
  /// `/dev/null` is read as an empty file, as `GIT_CONFIG=/dev/null` is: the usual way to say
  /// "no settings".
  static func load(from path: String = defaultPath) throws -> ConfigFile? {
    if path == "/dev/null" { return ConfigFile() }
    guard let type = fileType(path) else {
      if let named = Environment.value("AUTOCAPTURE_CONFIG"), named == path {
        throw CLIError("no config file at \(path) (named by AUTOCAPTURE_CONFIG)")
      }
      return nil
    }
    guard type == S_IFREG else { throw CLIError("config file \(path) is not a file") }
    let text: String
    do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
      throw CLIError("cannot read config file \(path): \(error.localizedDescription)")
    }
    let table: TOMLTable
    do { table = try TOMLTable(string: text) } catch let error as TOMLParseError {
      throw CLIError("config file \(path), line \(error.source.begin.line): "
        + error.description)
    } catch {
      throw CLIError("config file \(path): \(error)")
    }
    var config = ConfigFile()
    func string(_ key: String) throws -> String? {
      guard let value = table[key] else { return nil }
      guard let s = value.string else {
        throw CLIError("config file \(path): '\(key)' must be a string")
      }
      return s
    }
    func strings(_ key: String) throws -> [String] {
      guard let value = table[key] else { return [] }
      if let s = value.string { return [s] }
      guard let array = value.array, array.allSatisfy({ $0.string != nil }) else {
        throw CLIError("config file \(path): '\(key)' must be a string or strings")
      }
      return array.compactMap(\.string)
    }
    func integer(_ key: String, upTo limit: Int = .max) throws -> Int? {
      guard let value = table[key] else { return nil }
      guard let n = value.int, (0...limit).contains(n) else {
        throw CLIError("config file \(path): '\(key)' must be a whole number, 0 or more"
          + (limit == .max ? "" : ", at most \(limit)"))
      }
      return n
    }
    let known: Set = ["db", "user", "maildir", "mbox", "calendar", "index-dir", "theme",
                      "max-emails", "meeting-window-hours", "caldav", "caldav-password-command",
                      "tls-ca-file"]
    for key in table.keys where !known.contains(key) {
      throw CLIError("config file \(path): unknown key '\(key)' (known: "
        + known.sorted().joined(separator: ", ") + ")")
    }
    // Paths as the shell would give them: `~` expanded.
    func expanded(_ text: String) -> String { Environment.expandingTilde(text) }
    config.db = try string("db").map { expanded($0) }
    config.user = try string("user")
    config.maildir = try strings("maildir").map { expanded($0) }
    config.mbox = try strings("mbox").map { expanded($0) }
    config.calendar = try strings("calendar").map { expanded($0) }
    config.indexDir = try string("index-dir").map { expanded($0) }
    config.caldav = try strings("caldav")
    config.caldavPasswordCommand = try string("caldav-password-command")
    config.tlsCAFile = try string("tls-ca-file").map { expanded($0) }
    config.theme = try string("theme")
    config.maxEmails = try integer("max-emails")
    config.meetingWindowHours = try integer(
      "meeting-window-hours", upTo: WorkspaceOptions.maxMeetingWindowHours)
    return config
  }
}

extension WorkspaceOptions {
  /// These options with what the config file supplies where an option was not given.
  func withConfigDefaults(_ config: ConfigFile?) -> WorkspaceOptions {
    guard let config else { return self }
    var o = self
    o.db = o.db ?? config.db
    o.user = o.user ?? config.user
    if o.maildir.isEmpty && o.mbox.isEmpty {
      o.maildir = config.maildir
      o.mbox = config.mbox
    }
    if o.calendar.isEmpty { o.calendar = config.calendar }
    if o.caldav.isEmpty { o.caldav = config.caldav }
    o.caldavPasswordCommand = o.caldavPasswordCommand ?? config.caldavPasswordCommand
    o.tlsCAFile = o.tlsCAFile ?? config.tlsCAFile
    o.indexDir = o.indexDir ?? config.indexDir
    o.maxEmails = o.maxEmails ?? config.maxEmails
    o.meetingWindowHours = o.meetingWindowHours ?? config.meetingWindowHours
    return o
  }
}
