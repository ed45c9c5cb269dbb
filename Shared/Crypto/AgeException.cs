namespace BtrfsToS3.Shared.Crypto;

/// <summary>
/// An age file, key or identity file that cannot be used: its message is the one line the operator reads, so it says
/// which text, file or segment and what is wrong with it, never a secret key.
/// </summary>
internal sealed class AgeException : Exception
{
    public AgeException(string message, Exception? inner = null)
        : base(message, inner) { }
}
