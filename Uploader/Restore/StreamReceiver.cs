using System.Diagnostics;
using BtrfsToS3.Shared.Btrfs;
using BtrfsToS3.Shared.Crypto;
using BtrfsToS3.Shared.Format;
using BtrfsToS3.Shared.IO;
using BtrfsToS3.Shared.Publishing;

namespace BtrfsToS3.Uploader.Restore;

/// <summary>
/// Receives one published stream, the mirror of the spooler's StreamSender: its chunks are fetched into the spool's
/// restore area (verified against the manifest before any byte is used), decoded, and fed in order into <c>btrfs
/// receive</c> (or <c>--dump</c>), later chunks downloading while earlier ones are received. The feed holds the
/// stream's end back until its length and SHA-256 match, so a receive that does not end well leaves no half-received
/// subvolume: it is deleted.
/// </summary>
internal sealed class StreamReceiver(
    BackupRepository repository,
    BackupOptions options,
    IReadOnlyList<AgeIdentity> identities,
    ILogger logger
)
{
    private readonly SpoolDirectory _spool = new(options.Spool.Dir);
    private readonly BtrfsTool _btrfs = new();
    private readonly ChunkFetcher _fetcher = new(repository, logger);

    /// <summary>Receives the stream into <paramref name="target"/>, or checks it with <c>btrfs receive --dump</c> where
    /// that is null.</summary>
    public async Task ReceiveAsync(Manifest manifest, string? target, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        RestoreArea area = _spool.RestoreArea(manifest.Stream);
        area.Create();

        // Chunks download ahead of the one being received, as many as the spool quota holds and concurrency allows.
        int ahead = (int)Math.Clamp(options.Spool.Quota / Math.Max(manifest.ChunkSize, 1), 1, options.S3.Concurrency);
        var downloads = new Dictionary<int, Task<string>>();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        Task<string> Download(int index)
        {
            for (int next = index; next < Math.Min(manifest.Chunks.Count, index + ahead); next++)
            {
                if (!downloads.ContainsKey(next))
                {
                    downloads[next] = _fetcher.FetchAsync(
                        manifest.Chunks[next],
                        area,
                        manifest.PartSize,
                        Math.Max(1, options.S3.Concurrency / ahead),
                        stop.Token
                    );
                }
            }

            return downloads[index];
        }

        Stream Open(int index, string path) =>
            ChunkDecoder.Open(path, manifest, repository.Address(manifest.Chunks[index].Key), identities);

        try
        {
            // The first chunk is verified and opened before btrfs receive starts: one that cannot be read back (a wrong
            // identity) ends the restore with nothing received.
            Stream decoded = Open(0, await Download(0));
            await using BtrfsProcess receive = BtrfsTool.StartReceive(target, line =>
                Log.ReceiveOutput(logger, manifest.Stream, line)
            );
            using var feed = new ReceiveFeed(manifest.Stream, manifest.TotalBytes, manifest.Sha256, receive.Input);
            bool fedAll = false;
            try
            {
                for (int i = 0; ; i++)
                {
                    await using (decoded)
                    {
                        await FeedChunkAsync(manifest, manifest.Chunks[i], decoded, feed, cancellationToken);
                    }

                    File.Delete(area.ChunkPath(i));
                    if (i + 1 == manifest.Chunks.Count)
                    {
                        break;
                    }

                    decoded = Open(i + 1, await Download(i + 1));
                }

                await feed.FinishAsync(cancellationToken);
                fedAll = true;
            }
            catch (IOException) when (receive.HasExited || receive.WaitForExit(TimeSpan.FromSeconds(5)))
            {
                // btrfs receive stopped reading: its exit code and stderr say why, below.
            }

            (int exitCode, long lines) = await receive.FinishAsync(cancellationToken);
            if (exitCode != 0 || !fedAll)
            {
                throw new BackupFailure(
                    FailureKind.Unavailable,
                    $"stream {manifest.Stream}: {receive.CommandLine} exited {exitCode} after {feed.Fed} of {manifest.TotalBytes} bytes (its stderr is in the log above)"
                );
            }

            if (target is null)
            {
                Log.StreamDumped(logger, manifest.Stream, lines);
            }

            area.Remove();
        }
        catch
        {
            await stop.CancelAsync();
            await Task.WhenAll(downloads.Values).ContinueWith(_ => { }, TaskScheduler.Default);
            if (target is not null)
            {
                await RemoveHalfReceivedAsync(ContainedPath.Join(target, manifest.Snapshot.Name, "received snapshot"));
            }

            throw;
        }

        Log.StreamReceived(
            logger,
            manifest.Stream,
            manifest.TotalBytes,
            clock.Elapsed.TotalSeconds,
            manifest.TotalBytes / Math.Max(clock.Elapsed.TotalSeconds, 1e-3) / 1e6,
            target is null ? "dumped" : "received"
        );
    }

    /// <summary>
    /// True when the target holds this snapshot received whole (read-only, with the manifest's snapshot as received
    /// UUID). A writable subvolume of that name without it is what a killed receive leaves: it is removed, and false.
    /// </summary>
    public async Task<bool> AlreadyReceivedAsync(string target, Manifest manifest, CancellationToken cancellationToken)
    {
        string path = ContainedPath.Join(target, manifest.Snapshot.Name, "received snapshot");
        if (!Directory.Exists(path))
        {
            return false;
        }

        SubvolumeInfo? found = await _btrfs.ShowAsync(path, cancellationToken);
        if (
            found is { ReadOnly: true }
            && string.Equals(found.ReceivedUuid, manifest.Snapshot.Uuid, StringComparison.OrdinalIgnoreCase)
        )
        {
            return true;
        }

        if (found is { ReadOnly: false, ReceivedUuid: null })
        {
            await RemoveHalfReceivedAsync(path);
            return false;
        }

        throw new BackupFailure(
            FailureKind.CannotCreate,
            $"{path} exists and is not the received snapshot {manifest.Snapshot.Name} ({manifest.Snapshot.Uuid}); move it away first"
        );
    }

    /// <summary>One chunk's stream bytes into the feed: exactly as many as its manifest says it holds.</summary>
    private async Task FeedChunkAsync(
        Manifest manifest,
        ManifestChunk chunk,
        Stream decoded,
        ReceiveFeed feed,
        CancellationToken cancellationToken
    )
    {
        byte[] buffer = new byte[1024 * 1024];
        long before = feed.Fed;
        try
        {
            int n;
            while ((n = await decoded.ReadAsync(buffer, cancellationToken)) > 0)
            {
                await feed.WriteAsync(buffer.AsMemory(0, n), cancellationToken);
            }
        }
        catch (Exception e)
            when (e is ZstdSharp.ZstdException or AgeException or InvalidDataException or EndOfStreamException)
        {
            throw new BackupFailure(
                FailureKind.BadData,
                $"chunk {repository.Address(chunk.Key)} of stream {manifest.Stream}: its bytes match the manifest, but they do not decode (encryption {manifest.Encryption}, compression {manifest.Compression}): {e.Message}; the stream's end was held back, so btrfs receive kept nothing of it"
            );
        }

        if (chunk.StreamSize > 0 && feed.Fed - before != chunk.StreamSize)
        {
            throw new BackupFailure(
                FailureKind.BadData,
                $"chunk {repository.Address(chunk.Key)} of stream {manifest.Stream}: decodes to {feed.Fed - before} stream bytes, but its manifest says {chunk.StreamSize}"
            );
        }
    }

    /// <summary>A receive that did not end well leaves a writable, incomplete subvolume: it must not look like a
    /// restore.</summary>
    private async Task RemoveHalfReceivedAsync(string path)
    {
        if (!Directory.Exists(path))
        {
            return;
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        try
        {
            await _btrfs.DeleteSubvolumeAsync(path, timeout.Token);
            Log.HalfReceivedRemoved(logger, path, "deleted");
        }
        catch (Exception e) when (e is BackupFailure or OperationCanceledException)
        {
            Log.HalfReceivedRemoved(logger, path, $"could not be deleted ({e.Message}); delete it by hand");
        }
    }
}
