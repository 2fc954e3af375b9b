import Foundation
import Mailbox

#if IMAP
  import IMAPMailbox
#endif

extension WorkspaceOptions {
  /// The IMAP accounts named, as sources of the private index. Without the IMAP trait the
  /// binary has no IMAP client, and naming an account says so rather than ignoring it.
  func remoteMailboxes() throws -> [any RemoteMailbox] {
    guard !imap.isEmpty else { return [] }
    #if IMAP
      return try imap.map { option in
        let account: IMAPAccount
        do { account = try IMAPAccount.parse(option.url) } catch {
          if option.fromConfigFile {
            throw CLIError("config file \(ConfigFile.defaultPath): imap: \(error)")
          }
          throw CLIError.usage("--imap: \(error)")
        }
        return IMAPMailbox(
          account: account,
          password: IMAPPassword.provider(
            command: option.passwordCommand, environmentVariable: "AUTOCAPTURE_IMAP_PASSWORD"),
          caFile: tlsCAFile)
      }
    #else
      throw CLIError("this build of autocapture has no IMAP support, so it cannot read "
        + imap[0].url + " (build with the IMAP trait: swift build --traits IMAP, as "
        + "scripts/install and scripts/test do)")
    #endif
  }
}
