/// IMAP mailbox names in modified UTF-7 (RFC 3501 5.1.3): `Objets envoy&AOk-s` is
/// `Objets envoyés`.
///
/// Printable ASCII stands for itself except `&`, written `&-`; every other run of characters
/// is `&`, their UTF-16 in base64 with `,` for `/` and no padding, then `-`.
public enum IMAPMailboxName {
  /// The name as the user reads it. What is not valid modified UTF-7 becomes U+FFFD and the
  /// rest is kept (see `Charsets.decodeUTF7`).
  public static func decode(_ encoded: String) -> String {
    Charsets.decodeUTF7(encoded.unicodeScalars.map(\.value), variant: .imapMailboxName)
  }

  /// The name as an IMAP command writes it.
  public static func encode(_ name: String) -> String {
    let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+,".utf8)
    var out: [UInt8] = []
    var pending: [UInt8] = []  // UTF-16BE bytes of the characters waiting for a shift
    func flush() {
      guard !pending.isEmpty else { return }
      out.append(0x26)  // &
      var i = 0
      while i < pending.count {
        let b0 = UInt32(pending[i])
        let b1 = i + 1 < pending.count ? UInt32(pending[i + 1]) : 0
        let b2 = i + 2 < pending.count ? UInt32(pending[i + 2]) : 0
        let v = b0 << 16 | b1 << 8 | b2
        out.append(alphabet[Int(v >> 18 & 63)])
        out.append(alphabet[Int(v >> 12 & 63)])
        if i + 1 < pending.count { out.append(alphabet[Int(v >> 6 & 63)]) }
        if i + 2 < pending.count { out.append(alphabet[Int(v & 63)]) }
        i += 3
      }
      out.append(0x2D)  // -
      pending.removeAll(keepingCapacity: true)
    }
    for scalar in name.unicodeScalars {
      if scalar.value >= 0x20 && scalar.value <= 0x7E {
        flush()
        out.append(UInt8(scalar.value))
        if scalar == "&" { out.append(0x2D) }
      } else {
        for unit in String(scalar).utf16 {
          pending += [UInt8(unit >> 8), UInt8(unit & 0xFF)]
        }
      }
    }
    flush()
    return String(decoding: out, as: UTF8.self)
  }
}
