using System.IO.Compression;
using System.Text;

namespace BtrfsToS3.Tests.Shared.Crypto;

/// <summary>
/// One vector of the C2SP age testkit (Testkit/README.md): its expected outcome, the SHA-256 of the plaintext a
/// decryptor may release (also when it fails part-way), the identities to try, and the age file itself.
/// </summary>
internal sealed record AgeTestVector(
    string Name,
    string Expect,
    string? PayloadSha256,
    IReadOnlyList<string> Identities,
    string? Comment,
    byte[] File
)
{
    private const string Prefix = "AgeTestkit/";

    public static IEnumerable<string> Names() =>
        typeof(AgeTestVector)
            .Assembly.GetManifestResourceNames()
            .Where(name => name.StartsWith(Prefix, StringComparison.Ordinal))
            .Select(name => name[Prefix.Length..])
            .Order(StringComparer.Ordinal);

    public static AgeTestVector Load(string name)
    {
        using Stream resource = typeof(AgeTestVector).Assembly.GetManifestResourceStream(Prefix + name)
            ?? throw new InvalidOperationException($"no test vector {name}");
        using var bytes = new MemoryStream();
        resource.CopyTo(bytes);
        byte[] all = bytes.ToArray();
        int end = all.AsSpan().IndexOf("\n\n"u8);
        var fields = Encoding
            .ASCII.GetString(all, 0, end)
            .Split('\n')
            .Select(line => line.Split(": ", 2))
            .ToLookup(field => field[0], field => field[1]);
        byte[] file = all[(end + 2)..];
        if (fields["compressed"].SingleOrDefault() == "zlib")
        {
            using var inflated = new MemoryStream();
            using (var zlib = new ZLibStream(new MemoryStream(file), CompressionMode.Decompress))
            {
                zlib.CopyTo(inflated);
            }

            file = inflated.ToArray();
        }

        return new AgeTestVector(
            name,
            fields["expect"].Single(),
            fields["payload"].SingleOrDefault(),
            [.. fields["identity"]],
            fields["comment"].SingleOrDefault(),
            file
        );
    }

    public override string ToString() => $"{Name} (expect {Expect}{(Comment is null ? string.Empty : ": " + Comment)})";
}
