/// The Message-IDs of a message's In-Reply-To and References that the private index keeps,
/// so that a reply can follow the mail it answers (docs/capture-rules.md, "Replies to
/// tracked email").
///
/// Both headers come from senders, and a hostile References may name thousands of ids or
/// very long ones, so what is kept is bounded: at most `maximumCount` ids of at most
/// `maximumLength` UTF-8 bytes each. In-Reply-To names the message answered; References
/// lists the thread oldest first, so after In-Reply-To its ids are taken from the end (the
/// nearest ancestors) back to the start; a long thread loses its middle first.
public enum MessageReferences {
  public static let maximumCount = 20
  public static let maximumLength = 250

  public static func bounded(inReplyTo: [String], references: [String]) -> [String] {
    var kept: [String] = []
    var seen = Set<String>()
    // Only the first few of In-Reply-To: it names one message, more is noise.
    for id in inReplyTo.prefix(maximumCount) + references.reversed().prefix(4 * maximumCount)
    where kept.count < maximumCount && id.utf8.count <= maximumLength
      && !id.contains(" ") && seen.insert(id).inserted {
      kept.append(id)
    }
    return kept
  }
}
