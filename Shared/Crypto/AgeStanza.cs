namespace BtrfsToS3.Shared.Crypto;

/// <summary>
/// One recipient stanza of an age header: its arguments (the first is its type, such as <c>X25519</c>) and its body.
/// </summary>
/// <param name="Arguments">At least one, each one or more printable ASCII characters (VCHAR).</param>
/// <param name="Body">The decoded body; nobody changes it once the stanza is made.</param>
internal sealed record AgeStanza(IReadOnlyList<string> Arguments, byte[] Body)
{
    public string Type => Arguments[0];
}
