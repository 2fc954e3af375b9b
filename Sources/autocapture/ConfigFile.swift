import CaptureCore
import Foundation
import TOMLKit

/// Defaults for the workspace options from `$XDG_CONFIG_HOME/autocapture/config.toml`
/// (else, or when it is not absolute, `~/.config/autocapture/config.toml`), or the file named by `AUTOCAPTURE_CONFIG`.
///
/// Keys: the workspace options' names but `now` (`db`, `maildir`, `index-dir`...; the
/// repeatable ones take a string or an array of strings), and `theme`. Options on the
/// command line win over the file. Paths may start with `~`.
struct ConfigFile {
  /// The workspace options the file sets.
  var options = WorkspaceOptions()
  var theme: String?

  /// The keys a config file may hold. `now` is left out: it fixes the clock, for one run;
  /// so is `imap-password-command`: each `[[imap]]` account names its own.
  static let keys: [OptionName] = WorkspaceOptions.specs.map(\.name)
    .filter { $0 != .now && $0 != .imapPasswordCommand } + [.theme, .trackReplies]

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
    guard let status = fileStatus(path) else {
      if let named = Environment.value("AUTOCAPTURE_CONFIG"), named == path {
        throw CLIError("no config file at \(path) (named by AUTOCAPTURE_CONFIG)")
      }
      return nil
    }
    guard status.isRegular else { throw CLIError("config file \(path) is not a file") }
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
    let known = Set(keys.map(\.rawValue))
    for key in table.keys where !known.contains(key) {
      throw CLIError("config file \(path): unknown key '\(key)' (known: "
        + known.sorted().joined(separator: ", ") + ")")
    }
    let values = Values(table: table, path: path)
    var config = ConfigFile()
    config.options = try WorkspaceOptions(values)
    config.theme = try values.value(.theme)
    config.options.trackRepliesByDefault = try values.yesNo(.trackReplies)
    return config
  }

  /// The table's values by option name, each error naming the file and the key.
  private struct Values: OptionValues {
    let table: TOMLTable
    let path: String

    func value(_ name: OptionName) throws -> String? {
      guard let value = table[name.rawValue] else { return nil }
      guard let s = value.string else {
        throw CLIError("config file \(path): '\(name)' must be a string")
      }
      return s
    }

    func values(_ name: OptionName) throws -> [String] {
      guard let value = table[name.rawValue] else { return [] }
      if let s = value.string { return [s] }
      guard let array = value.array, array.allSatisfy({ $0.string != nil }) else {
        throw CLIError("config file \(path): '\(name)' must be a string or strings")
      }
      return array.compactMap(\.string)
    }

    /// `[[imap]]` tables, each an account with its own password command.
    func imapAccounts() throws -> [IMAPAccountOption] {
      let key = OptionName.imap.rawValue
      guard let value = table[key] else { return [] }
      let wrong = CLIError("config file \(path): '\(key)' must be a list of accounts, each "
        + "[[\(key)]] with url = \"imaps://USER@HOST\" and optionally password-command = \"...\"")
      guard let array = value.array else { throw wrong }
      return try array.map { item in
        guard let account = item.table, let url = account["url"]?.string else { throw wrong }
        for k in account.keys where k != "url" && k != "password-command" {
          throw CLIError("config file \(path): unknown key '\(k)' in [[\(key)]] (known: "
            + "password-command, url)")
        }
        let command = account["password-command"]
        if command != nil && command?.string == nil { throw wrong }
        return IMAPAccountOption(url: url, passwordCommand: command?.string, fromConfigFile: true)
      }
    }

    /// A TOML boolean, or the words `settings` takes (`yes`/`no`, `on`/`off`).
    func yesNo(_ name: OptionName) throws -> Bool? {
      guard let value = table[name.rawValue] else { return nil }
      if let b = value.bool { return b }
      if let s = value.string, let b = SettingsCommand.yesNo(s) { return b }
      throw CLIError("config file \(path): '\(name)' must be true or false")
    }

    /// Out of range is refused here, naming the file, rather than later as if typed.
    func integer(_ name: OptionName) throws -> Int? {
      let limit = name == .meetingWindowHours ? WorkspaceOptions.maxMeetingWindowHours : .max
      guard let value = table[name.rawValue] else { return nil }
      guard let n = value.int, (0...limit).contains(n) else {
        throw CLIError("config file \(path): '\(name)' must be a whole number, 0 or more"
          + (limit == .max ? "" : ", at most \(limit)"))
      }
      return n
    }
  }
}

extension WorkspaceOptions {
  /// These options with what the config file supplies where an option was not given.
  func withConfigDefaults(_ config: ConfigFile?) -> WorkspaceOptions {
    guard let defaults = config?.options else { return self }
    var o = self
    o.db = o.db ?? defaults.db
    o.user = o.user ?? defaults.user
    // The mail sources count together: the index holds exactly those given.
    if o.maildir.isEmpty && o.mbox.isEmpty && o.imap.isEmpty {
      o.maildir = defaults.maildir
      o.mbox = defaults.mbox
      o.imap = defaults.imap
    }
    o.tlsCAFile = o.tlsCAFile ?? defaults.tlsCAFile
    if o.calendar.isEmpty { o.calendar = defaults.calendar }
    if o.caldav.isEmpty { o.caldav = defaults.caldav }
    o.caldavPasswordCommand = o.caldavPasswordCommand ?? defaults.caldavPasswordCommand
    o.indexDir = o.indexDir ?? defaults.indexDir
    o.now = o.now ?? defaults.now
    o.maxEmails = o.maxEmails ?? defaults.maxEmails
    o.meetingWindowHours = o.meetingWindowHours ?? defaults.meetingWindowHours
    o.trackRepliesByDefault = o.trackRepliesByDefault ?? defaults.trackRepliesByDefault
    return o
  }
}
