using BtrfsToS3.Tests.Infrastructure;

namespace BtrfsToS3.Tests.Shared.Crypto;

/// <summary>
/// The reference age tool (Debian's <c>age</c>, which scripts/install-deps.sh installs), run on files in a temporary
/// directory: what it makes we must read, and what we make it must read.
/// </summary>
internal static class AgeTool
{
    /// <summary>Runs <c>age-keygen -o</c> and returns the key file's path and the recipient it printed.</summary>
    public static (string KeyFile, string Recipient) Keygen(TempDirectory dir, string name)
    {
        string keyFile = Path.Combine(dir.Path, name);
        Shell.Run("age-keygen", "-o", keyFile);
        return (keyFile, Shell.Run("age-keygen", "-y", keyFile).Trim());
    }

    /// <summary>Runs <c>age -e</c> with the given recipient arguments (-r, -R or -i) and returns the file it
    /// wrote.</summary>
    public static byte[] Encrypt(TempDirectory dir, byte[] plaintext, params string[] recipientArguments)
    {
        string input = dir.Write("plain.in", plaintext);
        string output = Path.Combine(dir.Path, "cipher.age");
        Shell.Run("age", ["-e", .. recipientArguments, "-o", output, input]);
        return File.ReadAllBytes(output);
    }

    /// <summary>
    /// Runs <c>age -d -i</c> on <paramref name="file"/> and returns the plaintext, taken from its standard output:
    /// with <c>-o</c> age makes no file at all for an empty plaintext.
    /// </summary>
    public static byte[] Decrypt(TempDirectory dir, byte[] file, string keyFile)
    {
        string input = dir.Write("cipher.in", file);
        string output = Path.Combine(dir.Path, "plain.out");
        Shell.Run("age", ["-d", "-i", keyFile, input], output);
        return File.ReadAllBytes(output);
    }
}
