using System.Security.Cryptography;
using System.Text.Json;
using BtrfsToS3.Shared.Configuration;
using BtrfsToS3.Shared.Crypto;
using BtrfsToS3.Shared.Failures;
using BtrfsToS3.Shared.Format;
using BtrfsToS3.Shared.Spool;
using BtrfsToS3.Tests.Infrastructure;

namespace BtrfsToS3.Tests.Spooler.Catalog;

/// <summary>
/// The catalog the spooler writes beside a real stream's chunks: its record in the seal, its lines as docs/FORMAT.md
/// lists them, and the data ranges of a file's writes, read from the stream in the spool, rebuild the file.
/// </summary>
[TestClass]
public sealed class CatalogBuilderTests : BtrfsTest
{
    private const int KnownBytes = 3 * 1024 * 1024 + 12345;

    [TestMethod]
    public void Spool_Full_TheSealNamesTheCatalogAndItsWritesRebuildTheFile()
    {
        byte[] known = WriteKnownFiles();

        string dir = Spool(_fx.WriteConfig(ByteSize.MiB, ByteSize.GiB, ["data"]));

        Seal seal = SpoolFiles.Read(Path.Combine(dir, SpoolLayout.Seal), FormatJson.Default.Seal);
        byte[] stored = File.ReadAllBytes(Path.Combine(dir, SpoolLayout.Catalog));
        Assert.AreEqual(
            new CatalogRecord(stored.Length, Convert.ToHexStringLower(SHA256.HashData(stored)), seal.Catalog!.Lines),
            seal.Catalog
        );
        List<JsonElement> lines = Lines(new MemoryStream(stored), encrypted: false, []);
        Assert.HasCount((int)seal.Catalog.Lines, lines);
        Assert.AreEqual("btrfs_to_s3 catalog", lines[0].GetProperty("catalog").GetString());
        Assert.AreEqual("full", lines[0].GetProperty("kind").GetString());
        Assert.AreEqual("end", lines[^1].GetProperty("op").GetString());
        Assert.AreEqual(seal.TotalBytes, lines[^1].GetProperty("stream_bytes").GetInt64());

        byte[] stream = [.. seal.Chunks.SelectMany(c => File.ReadAllBytes(Path.Combine(dir, c.Name)))];
        List<JsonElement> writes = [.. lines.Where(l => Op(l) == "write" && Text(l, "path") == "known.bin")];
        Assert.IsLessThanOrEqualTo(4, writes.Count, "48 KiB writes of one extent were not joined into runs");
        CollectionAssert.AreEqual(known, Rebuild(writes, stream, KnownBytes));

        JsonElement link = lines.Single(l => Op(l) == "symlink" && Text(l, "target") == "known.bin");
        Assert.AreEqual("known.bin", link.GetProperty("target").GetString());
        JsonElement xattr = lines.Single(l => Op(l) == "set_xattr" && Text(l, "path") == "known.bin");
        Assert.AreEqual("user.note", xattr.GetProperty("name").GetString());
        CollectionAssert.AreEqual("kept"u8.ToArray(), xattr.GetProperty("value").GetBytesFromBase64());
        JsonElement times = lines.Last(l => Op(l) == "utimes" && Text(l, "path") == "known.bin");
        Assert.AreEqual(1_700_000_000L, times.GetProperty("mtime")[0].GetInt64());
        Assert.AreEqual(123_456_789, times.GetProperty("mtime")[1].GetInt32());
    }

    [TestMethod]
    public void Spool_NameNotUtf8_WrittenAsBase64OfItsBytes()
    {
        Shell.Run("bash", "-c", $"touch \"{_fx.Subvolume("data")}/$(printf 'caf\\xff')\"");

        string dir = Spool(_fx.WriteConfig(ByteSize.MiB, ByteSize.GiB, ["data"]));

        byte[] name = [.. "caf"u8, 0xff];
        List<JsonElement> lines = Lines(File.OpenRead(Path.Combine(dir, SpoolLayout.Catalog)), encrypted: false, []);
        Assert.IsTrue(
            lines.Any(l =>
                l.EnumerateObject()
                    .Any(p =>
                        p.Name.EndsWith("_b64", StringComparison.Ordinal)
                        && p.Value.GetBytesFromBase64().SequenceEqual(name)
                    )
            ),
            "no line names the file by its bytes in base64"
        );
    }

    [TestMethod]
    public void Spool_Encrypted_TheCatalogIsAnAgeFileTheIdentityOpens()
    {
        AgeIdentity identity = AgeIdentity.Generate();
        WriteKnownFiles();
        string config = _fx.WriteConfig(
            ByteSize.MiB,
            ByteSize.GiB,
            ["data"],
            $"[encryption]\nrecipients = {identity.Recipient.Text}",
            compression: "auto"
        );

        string dir = Spool(config);

        string path = Path.Combine(dir, SpoolLayout.Catalog);
        Assert.IsTrue(File.ReadAllText(path).StartsWith("age-encryption.org/v1", StringComparison.Ordinal));
        List<JsonElement> lines = Lines(File.OpenRead(path), encrypted: true, [identity]);
        Assert.IsTrue(lines.Any(l => Op(l) == "write" && Text(l, "path") == "known.bin"));
        BackupFailure failure = Assert.ThrowsExactly<BackupFailure>(() =>
            Lines(File.OpenRead(path), encrypted: true, [AgeIdentity.Generate()])
        );
        Assert.AreEqual(FailureKind.Usage, failure.Kind);
    }

    private byte[] WriteKnownFiles()
    {
        string data = _fx.Subvolume("data");
        byte[] known = RandomNumberGenerator.GetBytes(KnownBytes);
        string file = Path.Combine(data, "known.bin");
        File.WriteAllBytes(file, known);
        Shell.Run("setfattr", "-n", "user.note", "-v", "kept", file);
        Shell.Run("touch", "-d", "@1700000000.123456789", file);
        File.CreateSymbolicLink(Path.Combine(data, "to-known"), "known.bin");
        return known;
    }

    private string Spool(string config)
    {
        (int code, string output) = ToolRun.Run(Spooler, "--config", config);
        Assert.AreEqual(ExitCodes.Ok, code, output);
        StringAssert.Contains(output, "catalog written");
        return Directory.GetDirectories(_fx.Spool, "data.*").Single();
    }

    private static List<JsonElement> Lines(Stream stored, bool encrypted, IReadOnlyList<AgeIdentity> identities)
    {
        using var reader = new StreamReader(CatalogDecoder.Open(stored, encrypted, identities, "test"));
        var lines = new List<JsonElement>();
        while (reader.ReadLine() is { } line)
        {
            lines.Add(JsonDocument.Parse(line).RootElement.Clone());
        }

        return lines;
    }

    /// <summary>The file from its write lines: each run's pieces, <c>piece</c> bytes <c>stride</c> apart.</summary>
    private static byte[] Rebuild(IEnumerable<JsonElement> writes, byte[] stream, int size)
    {
        byte[] file = new byte[size];
        foreach (JsonElement write in writes)
        {
            long offset = write.GetProperty("offset").GetInt64();
            long length = write.GetProperty("length").GetInt64();
            long data = write.GetProperty("data").GetInt64();
            long piece = write.TryGetProperty("piece", out JsonElement p) ? p.GetInt64() : length;
            long stride = write.TryGetProperty("stride", out JsonElement s) ? s.GetInt64() : 0;
            for (long done = 0, i = 0; done < length; i++)
            {
                long take = Math.Min(piece, length - done);
                Array.Copy(stream, data + (i * stride), file, offset + done, take);
                done += take;
            }
        }

        return file;
    }

    private static string? Op(JsonElement line) => line.GetProperty("op").GetString();

    private static string? Text(JsonElement line, string field) =>
        line.TryGetProperty(field, out JsonElement value) ? value.GetString() : null;
}
