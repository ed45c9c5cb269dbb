using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Amazon.S3.Model;
using BtrfsToS3.Shared.Btrfs;
using BtrfsToS3.Shared.Configuration;
using BtrfsToS3.Shared.Crypto;
using BtrfsToS3.Shared.Failures;
using BtrfsToS3.Shared.Format;
using BtrfsToS3.Shared.Publishing;
using BtrfsToS3.Shared.Spool;
using BtrfsToS3.Tests.Infrastructure;

namespace BtrfsToS3.Tests.EndToEnd;

/// <summary>
/// [spool] compression and [encryption] recipients on real loopback btrfs and the local S3 server: streams written in
/// each setting, uploaded and received back identical; the reference age and zstd tools read the chunks; a setting
/// changed mid-generation applies from the next full, and a restore reads chains that mix settings; a missing or wrong
/// identity and a damaged chunk end the restore with one line and nothing received.
/// </summary>
[TestClass]
public sealed class ChunkEncodingTests : BtrfsAndS3Test
{
    protected override int DataMiB => 1;

    [TestMethod]
    public void Restore_FullsOfEachCompressionEncryptionAndProtocol_ReceivedIdenticalAndTheToolsReadTheChunks()
    {
        (string key, string recipient) = NewIdentity("key.txt");
        string config = Config(string.Empty);
        int protocol2 = BtrfsTool.KernelSendProtocol() >= 2 ? 2 : 1;
        var sent = new List<(string Snapshot, string Generation, string Setting)>();

        // Every pair of values of the three settings at least once.
        foreach (
            (string compression, bool encrypted, int protocol) in new[]
            {
                ("none", false, 1),
                ("zstd:3", true, protocol2),
                ("auto", true, 1),
                ("auto", false, protocol2),
                ("none", true, protocol2),
                ("zstd:3", false, 1),
            }
        )
        {
            AddText($"text-{sent.Count}");
            Manifest manifest = BackUp(
                config,
                "--full",
                "--spool.compression",
                compression,
                "--encryption.recipients",
                encrypted ? recipient : string.Empty,
                "--btrfs.send_protocol",
                protocol.ToString(CultureInfo.InvariantCulture)
            );
            string setting = $"{compression}, {(encrypted ? "age" : "not encrypted")}, protocol {protocol}";
            Assert.AreEqual(compression, manifest.Compression, setting);
            Assert.AreEqual(encrypted ? "age" : "none", manifest.Encryption, setting);
            Assert.AreEqual(protocol, manifest.SendProtocol, setting);
            Assert.AreEqual(manifest.TotalBytes, manifest.Chunks.Sum(c => c.StreamSize), setting);
            if (compression != "none")
            {
                Assert.IsLessThan(
                    manifest.TotalBytes,
                    manifest.Chunks.Sum(c => c.Size),
                    $"{setting}: the text compresses"
                );
            }

            if (encrypted)
            {
                CollectionAssert.AreEqual(
                    new[] { ChunkEncoding.Fingerprint(recipient) },
                    manifest.RecipientFingerprints.ToArray(),
                    setting
                );
                Assert.DoesNotContain(
                    recipient,
                    Encoding.UTF8.GetString(_s3.Get(Published.ReadPointer(_s3, "data")!.Generations[^1].Manifests[^1])),
                    "a manifest holds no key"
                );
            }

            Assert.AreEqual(
                manifest.Sha256,
                ThroughTheTools(manifest, encrypted ? key : null),
                $"{setting}: age -d | zstd -d of each chunk, concatenated"
            );
            sent.Add((manifest.Snapshot.Name, Published.ReadPointer(_s3, "data")!.Generations[^1].Generation, setting));
        }

        foreach ((string snapshot, string generation, string setting) in sent)
        {
            string target = Target(generation);

            // Generations written unencrypted by design: the downgrade check is told so.
            (int code, string restored) = ToolRun.Run(
                UploaderTool,
                "restore",
                "--config",
                config,
                "--subvolume",
                "data",
                "--generation",
                generation,
                "--target",
                target,
                "--identity",
                key,
                "--allow-unencrypted"
            );

            Assert.AreEqual(ExitCodes.Ok, code, $"{setting}: {restored}");
            SendStreams.AssertSameTree(Path.Combine(_fx.Snapshots, snapshot), Path.Combine(target, snapshot));
        }
    }

    [TestMethod]
    public void Run_SettingsChangedMidGeneration_ApplyFromTheNextFullAndBothChainsRestore()
    {
        (string key, string recipient) = NewIdentity("key.txt");
        string plain = Config(string.Empty, "plain.ini");
        string encrypted = Config($"recipients = {recipient}", "encrypted.ini");
        AddText("text-0");
        Manifest oldFull = BackUp(plain, "--spool.compression", "none", "--btrfs.send_protocol", "1");
        AddText("text-1");
        (Manifest oldIncremental, string warned) = BackUpLogged(encrypted, "--spool.compression", "auto");
        AddText("text-2");
        Manifest newFull = BackUp(encrypted, "--full", "--spool.compression", "auto");
        AddText("text-3");
        Manifest newIncremental = BackUp(encrypted, "--spool.compression", "auto");

        // The old generation kept its full's compression and encryption (the send protocol is per stream); the new one
        // took the configured ones.
        Assert.AreEqual(("none", "none", 1), (oldFull.Compression, oldFull.Encryption, oldFull.SendProtocol));
        Assert.AreEqual(("none", "none"), (oldIncremental.Compression, oldIncremental.Encryption));
        StringAssert.Contains(
            warned,
            $"[spool] compression is now auto, but its generation {oldFull.Generation} was started with none"
        );
        StringAssert.Contains(warned, "[encryption] recipients is now age");
        Assert.AreEqual(("auto", "age"), (newFull.Compression, newFull.Encryption));
        Assert.AreEqual(("auto", "age"), (newIncremental.Compression, newIncremental.Encryption));

        string oldTarget = Target("old");
        (int code, string output) = ToolRun.Run(
            UploaderTool,
            "restore",
            "--config",
            encrypted,
            "--subvolume",
            "data",
            "--generation",
            oldFull.Generation,
            "--target",
            oldTarget,
            "--allow-unencrypted"
        );
        Assert.AreEqual(ExitCodes.Ok, code, output);
        SendStreams.AssertSameTree(
            Path.Combine(_fx.Snapshots, oldIncremental.Snapshot.Name),
            Path.Combine(oldTarget, "data")
        );

        string newTarget = Target("new");
        (code, output) = ToolRun.Run(
            UploaderTool,
            "restore",
            "--config",
            plain,
            "--subvolume",
            "data",
            "--target",
            newTarget,
            "--identity",
            key
        );
        Assert.AreEqual(ExitCodes.Ok, code, output);
        SendStreams.AssertSameTree(
            Path.Combine(_fx.Snapshots, newIncremental.Snapshot.Name),
            Path.Combine(newTarget, "data")
        );

        // Neither verify nor status needs the identity.
        (code, output) = ToolRun.Run(UploaderTool, "verify", "--config", encrypted);
        Assert.AreEqual(ExitCodes.Ok, code, output);
        (code, output) = ToolRun.Run(UploaderTool, "status", "--config", encrypted);
        Assert.AreEqual(ExitCodes.Ok, code, output);

        // What check suggests to prove a key: the newest stream alone, decrypted and dumped.
        (code, output) = ToolRun.Run(
            UploaderTool,
            "restore",
            "--config",
            encrypted,
            "--subvolume",
            "data",
            "--dump",
            "--last",
            "--identity",
            key
        );
        Assert.AreEqual(ExitCodes.Ok, code, output);
        StringAssert.Contains(output, $"stream {newIncremental.Stream}: ");
        Assert.DoesNotContain($"stream {newFull.Stream}: ", output, "--last reads the newest stream alone");
    }

    [TestMethod]
    public void Restore_EncryptedWithoutOrWithTheWrongIdentity_Exits64WithOneLineAndNothingReceived()
    {
        (_, string recipient) = NewIdentity("key.txt");
        (string wrong, _) = NewIdentity("wrong.txt");
        string config = Config($"recipients = {recipient}");
        AddText("text-0");
        Manifest manifest = BackUp(config, "--spool.compression", "auto");
        string target = Target("restored");

        (int missingCode, string missing) = ToolRun.Run(
            UploaderTool,
            "restore",
            "--config",
            config,
            "--subvolume",
            "data",
            "--target",
            target
        );
        (int wrongCode, string wrongOutput) = ToolRun.Run(
            UploaderTool,
            "restore",
            "--config",
            config,
            "--subvolume",
            "data",
            "--target",
            target,
            "--identity",
            wrong
        );
        (int notKeyCode, string notKey) = ToolRun.Run(
            UploaderTool,
            "restore",
            "--config",
            config,
            "--subvolume",
            "data",
            "--target",
            target,
            "--identity",
            config
        );

        Assert.AreEqual(ExitCodes.Usage, missingCode, missing);
        StringAssert.Contains(
            missing,
            $"restore: stream {manifest.Stream} is encrypted (age); give the private key of one of its recipients with --identity FILE"
        );
        Assert.AreEqual(ExitCodes.Usage, wrongCode, wrongOutput);
        StringAssert.Contains(
            wrongOutput,
            $"restore: stream {manifest.Stream} is encrypted to {ChunkEncoding.Fingerprint(recipient)}, and no identity in {wrong} is one of them"
        );
        Assert.AreEqual(ExitCodes.Usage, notKeyCode, notKey);
        StringAssert.Contains(notKey, $"usage: --identity {config}: ");
        StringAssert.Contains(missing, "nothing was thawed or downloaded");
        StringAssert.Contains(wrongOutput, "nothing was thawed or downloaded");
        foreach (string output in new[] { missing, wrongOutput, notKey })
        {
            Assert.DoesNotContain("chunk-000000", output, "nothing was downloaded");
        }

        Assert.IsEmpty(Directory.GetFileSystemEntries(target), "nothing was received");
    }

    [TestMethod]
    public void Restore_EncryptedChunkDamagedInS3_Exits65BeforeAByteOfItReachesReceive()
    {
        (string key, string recipient) = NewIdentity("key.txt");
        string config = Config($"recipients = {recipient}");
        AddText("text-0");
        Manifest manifest = BackUp(config, "--spool.compression", "auto");
        ManifestChunk victim = manifest.Chunks[0];
        byte[] bytes = _s3.Get(victim.Key);
        bytes[bytes.Length / 2] ^= 0x40;
        _s3.Client.PutObjectAsync(
                new PutObjectRequest
                {
                    BucketName = _s3.Bucket,
                    Key = victim.Key,
                    InputStream = new MemoryStream(bytes),
                }
            )
            .GetAwaiter()
            .GetResult();
        string target = Target("restored");

        (int code, string output) = ToolRun.Run(
            UploaderTool,
            "restore",
            "--config",
            config,
            "--subvolume",
            "data",
            "--target",
            target,
            "--identity",
            key
        );

        Assert.AreEqual(ExitCodes.DataError, code, output);
        StringAssert.Contains(output, $"{victim.Key}: SHA-256");
        StringAssert.Contains(output, "the copy in S3 is damaged and nothing of it was received");
        Assert.IsEmpty(Directory.GetFileSystemEntries(target), "nothing was received");
    }

    [TestMethod]
    public void Run_EncryptedStreamResentAfterACrash_NewChunksReplaceTheUnpublishedOnesAndRestore()
    {
        _fx.Dispose();
        _fx = BtrfsFixture.Create(dataMiB: 40);
        (string key, string recipient) = NewIdentity("key.txt");
        string config = Config($"recipients = {recipient}");
        string quota = (2 * ChunkEncoding.StoredBound(4 * ByteSize.MiB, encoded: true)).ToString(
            CultureInfo.InvariantCulture
        );
        string[] small = ["--spool.chunk_size", "4MiB", "--spool.quota", quota, "--spool.compression", "auto"];
        using (ToolRun paused = ToolRun.Start(Spooler, ["--config", config, .. small]))
        {
            paused.WaitForOutput("pausing until", TimeSpan.FromSeconds(60));
            paused.KillHard();
        }

        // The chunks of the first attempt go to S3; the stream, unsealed, is not published.
        (int once, string drained) = ToolRun.Run(UploaderTool, "--config", config, "--once");
        Assert.AreEqual(ExitCodes.Ok, once, drained);

        string streamDir = Directory.GetDirectories(_fx.Spool, "data.*").Single();
        string firstSha = File.ReadAllText(Path.Combine(streamDir, "chunk-000000.uploaded.json"));

        (int code, string output) = ToolRun.Run(
            Spooler,
            ["--config", config, .. small[..2], "--spool.quota", "1GiB", "--spool.compression", "auto"]
        );
        Assert.AreEqual(ExitCodes.Ok, code, output);
        StringAssert.Contains(output, "sending it again from the same snapshot");
        (code, output) = ToolRun.Run(UploaderTool, "--config", config);
        Assert.AreEqual(ExitCodes.Ok, code, output);

        Manifest manifest = Published.ReadManifest(
            _s3,
            Published.ReadPointer(_s3, "data")!.Generations.Single().Manifests.Single()
        );
        Assert.DoesNotContain(
            manifest.Chunks[0].Sha256,
            firstSha,
            "an encrypted resend has new bytes (a new file key)"
        );
        Assert.AreEqual(
            manifest.Chunks[0].Sha256,
            Convert.ToHexStringLower(SHA256.HashData(_s3.Get(manifest.Chunks[0].Key))),
            "the new chunk replaced the old in S3"
        );
        string target = Target("restored");
        (code, output) = ToolRun.Run(
            UploaderTool,
            "restore",
            "--config",
            config,
            "--subvolume",
            "data",
            "--target",
            target,
            "--identity",
            key
        );
        Assert.AreEqual(ExitCodes.Ok, code, output);
        SendStreams.AssertSameTree(Path.Combine(_fx.Snapshots, manifest.Snapshot.Name), Path.Combine(target, "data"));
    }

    private string Config(string encryption, string name = "btrfs_to_s3.ini")
    {
        string written = _fx.WriteConfig(
            ByteSize.MiB,
            ByteSize.GiB,
            ["data"],
            $"{_s3.ConfigSection(_s3.Endpoint)}\n[uploader]\nlinger = 0s\n[retention]\nkeep_generations = 9\n[encryption]\n{encryption}"
        );
        string path = Path.Combine(_fx.Dir, name);
        if (written != path)
        {
            File.Copy(written, path, overwrite: true);
        }

        return path;
    }

    /// <summary>A new age identity in a key file as age-keygen writes it; its file and its recipient.</summary>
    private (string File, string Recipient) NewIdentity(string name)
    {
        AgeIdentity identity = AgeIdentity.Generate();
        string file = Path.Combine(_fx.Dir, name);
        File.WriteAllText(file, $"# public key: {identity.Recipient.Text}\n{identity.ToSecretText()}\n");
        return (file, identity.Recipient.Text);
    }

    /// <summary>A spooler and an uploader run (a second later, so the snapshot gets a new name); the manifest
    /// published.</summary>
    private Manifest BackUp(string config, params string[] spooler) => BackUpLogged(config, spooler).Manifest;

    private (Manifest Manifest, string SpoolerLog) BackUpLogged(string config, params string[] spooler)
    {
        Thread.Sleep(1100);
        (int code, string log) = ToolRun.Run(
            Spooler,
            ["--config", config, "--snapshots.retention", "keep_last:9", .. spooler]
        );
        Assert.AreEqual(ExitCodes.Ok, code, log);
        (int uploaded, string output) = ToolRun.Run(UploaderTool, "--config", config);
        Assert.AreEqual(ExitCodes.Ok, uploaded, output);
        return (Published.ReadManifest(_s3, Published.ReadPointer(_s3, "data")!.Generations[^1].Manifests[^1]), log);
    }

    /// <summary>
    /// The manual restore of docs/FORMAT.md: each chunk through <c>age -d -i KEY</c> (when encrypted) and
    /// <c>zstd -d</c> (when compressed), in order; the SHA-256 of what comes out.
    /// </summary>
    private string ThroughTheTools(Manifest manifest, string? key)
    {
        using var whole = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (ManifestChunk chunk in manifest.Chunks)
        {
            string file = Path.Combine(_fx.Dir, "chunk");
            File.WriteAllBytes(file, _s3.Get(chunk.Key));
            string pipeline =
                (key is null ? $"cat {file}" : $"age -d -i {key} {file}")
                + (manifest.Compression == "none" ? string.Empty : " | zstd -d -q");
            Shell.Run("bash", ["-o", "pipefail", "-c", pipeline], file + ".out");
            byte[] decoded = File.ReadAllBytes(file + ".out");
            Assert.HasCount((int)chunk.StreamSize, decoded, chunk.Key);
            whole.AppendData(decoded);
        }

        return Convert.ToHexStringLower(whole.GetHashAndReset());
    }

    private string Target(string name)
    {
        string target = Path.Combine(_fx.Mount, name);
        Directory.CreateDirectory(target);
        return target;
    }

    /// <summary>Half a megabyte of text, which compresses, in a new file of data.</summary>
    private void AddText(string name) =>
        File.AppendAllText(
            Path.Combine(_fx.Subvolume("data"), name),
            string.Concat(Enumerable.Range(0, 20_000).Select(i => $"{name} line {i}: the quick brown fox\n")),
            Encoding.ASCII
        );
}
