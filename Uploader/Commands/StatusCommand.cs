using System.Globalization;
using System.Text.Json;
using BtrfsToS3.Shared.Btrfs;
using BtrfsToS3.Shared.Cli;
using BtrfsToS3.Shared.Crypto;
using BtrfsToS3.Shared.Format;
using BtrfsToS3.Shared.Publishing;
using BtrfsToS3.Shared.State;
using BtrfsToS3.Uploader.S3;
using BtrfsToS3.Uploader.Status;
using BtrfsToS3.Uploader.Upload;

namespace BtrfsToS3.Uploader.Commands;

/// <summary>
/// <c>btrfs-to-s3-uploader status [--json]</c>: per subvolume the current generation, last full and incremental, next
/// full due and what waits in the spool; the spool against its quota; the last run. S3 is read through the pointers, as
/// any reader must; when S3 cannot be reached, the local part is still shown and the problem named. <c>status --max-age
/// DURATION</c> prints instead only the subvolumes not published within that time (<see cref="StaleCheck"/>).
/// </summary>
internal static class StatusCommand
{
    /// <param name="maxAge">With <c>--max-age</c>: report only stale subvolumes, and exit <see cref="ExitCodes.Stale"/>
    /// for them.</param>
    public static async Task<int> RunAsync(
        BackupRepository repository,
        BackupOptions options,
        bool json,
        TimeSpan? maxAge,
        TextWriter output,
        CancellationToken cancellationToken
    )
    {
        var spool = new SpoolDirectory(options.Spool.Dir);
        (IReadOnlyList<SpoolStream> streams, _) = spool.Scan();
        var subvolumes = new List<SubvolumeStatus>();
        foreach (SubvolumeOptions subvolume in options.Subvolumes)
        {
            // Nested subvolumes live on their configured one's filesystem.
            string? filesystem = FilesystemId.Of(subvolume.Path)?.ToString();
            subvolumes.Add(
                await SubvolumeAsync(repository, options, subvolume.Name, null, filesystem, streams, cancellationToken)
            );
            foreach (Pointer nested in await NestedAsync(repository, subvolume.Name, cancellationToken))
            {
                bool gone = !Directory.Exists(Path.Combine(subvolume.Path, nested.Nested!.Path));
                subvolumes.Add(
                    await SubvolumeAsync(
                        repository,
                        options,
                        nested.Subvolume,
                        (nested.Nested, gone),
                        filesystem,
                        streams,
                        cancellationToken
                    )
                );
            }
        }

        DateTimeOffset at = DateTimeOffset.UtcNow;
        var report = new StatusReport(
            FormatJson.Version,
            new WrittenBy("btrfs-to-s3-uploader", BuildInfo.Version, BuildInfo.Commit, S3Clients.SdkVersion),
            at,
            options.S3.Bucket,
            options.S3.Prefix,
            spool.ChunkDataBytes(),
            options.Spool.Quota,
            spool.AvailableBytes(),
            spool.SpoolerRunning,
            spool.UploaderRunning,
            BandwidthStatus.At(options.Uploader.Bandwidth, at),
            new StatsFile(options.State.Dir).LastRun() is { } run
                ? new RunSummary(
                    run.FinishedAt,
                    run.ExitCode,
                    run.Chunks,
                    run.Bytes,
                    run.Seconds,
                    run.MbPerS,
                    run.StreamsPublished
                )
                : null,
            subvolumes,
            SigningKey.TryLoad(options.State.Dir)?.PublicKeyText
        );
        int code = subvolumes.Any(s => s.Problem is not null) ? ExitCodes.Unavailable : ExitCodes.Ok;
        if (maxAge is { } age)
        {
            IReadOnlyList<string> stale = StaleCheck.Lines(subvolumes, age, at);
            foreach (string line in stale)
            {
                output.WriteLine(line);
            }

            return stale.Count > 0 ? ExitCodes.Worst(code, ExitCodes.Stale) : code;
        }

        if (json)
        {
            output.WriteLine(JsonSerializer.Serialize(report, StatusJson.Default.StatusReport));
        }
        else
        {
            WriteText(report, output);
        }

        return code;
    }

    /// <summary>The nested subvolumes S3 holds chains of; none when S3 cannot be read (the configured one's line says
    /// why).</summary>
    private static async Task<IReadOnlyList<Pointer>> NestedAsync(
        BackupRepository repository,
        string subvolume,
        CancellationToken cancellationToken
    )
    {
        try
        {
            return await repository.NestedPointersAsync(subvolume, cancellationToken);
        }
        catch (BackupFailure)
        {
            return [];
        }
    }

    private static async Task<SubvolumeStatus> SubvolumeAsync(
        BackupRepository repository,
        BackupOptions options,
        string subvolume,
        (NestedPlace Place, bool Gone)? nested,
        string? filesystem,
        IReadOnlyList<SpoolStream> streams,
        CancellationToken cancellationToken
    )
    {
        List<StreamInSpool> spool = [.. streams.Where(s => s.Subvolume == subvolume).Select(InSpool)];
        string? parent = null;
        try
        {
            parent = StateFiles.ReadPublished(options.State.Dir, subvolume)?.Snapshot.Name;
            Pointer? pointer = await repository.ReadPointerAsync(subvolume, cancellationToken);
            if (pointer is null)
            {
                return new SubvolumeStatus(
                    subvolume,
                    nested?.Place,
                    nested?.Gone,
                    null,
                    false,
                    null,
                    0,
                    0,
                    [],
                    null,
                    null,
                    null,
                    parent,
                    spool,
                    null
                );
            }

            PointerGeneration current = pointer.Generations[^1];
            // Every manifest of the chain, small objects in the metadata class, a few at a time: which streams have a
            // catalog.
            (string Key, string? Version)[] named = [.. current.Named()];
            Manifest?[] chain = await repository.ReadNamedManifestsAsync(named, cancellationToken);

            Manifest? full = chain[0];
            Manifest? last = chain.Length > 1 ? chain[^1] : null;
            DateTimeOffset? nextFull = SnapshotName.TryParse(
                $"{subvolume}.{current.Generation}",
                out _,
                out DateTimeOffset started
            )
                ? started.AddDays(options.Schedule.FullEveryDays)
                : null;
            bool elsewhere =
                filesystem is not null
                && !string.Equals(pointer.Owner.FilesystemUuid, filesystem, StringComparison.OrdinalIgnoreCase);
            var locks = new List<GenerationLock>();
            foreach (PointerGeneration generation in pointer.Generations)
            {
                // The full's manifest stands for its generation: locked at least as long as the rest (docs/FORMAT.md).
                ObjectLock? held = (
                    await repository.HeadAsync(generation.Manifests[0], generation.VersionOf(0), cancellationToken)
                )?.Lock;
                locks.Add(new GenerationLock(generation.Generation, held?.Mode, held?.RetainUntil));
            }

            return new SubvolumeStatus(
                subvolume,
                nested?.Place,
                nested?.Gone,
                pointer.Owner,
                elsewhere,
                current.Generation,
                pointer.Generations.Count,
                current.Manifests.Count,
                locks,
                Published(full),
                Published(last),
                nextFull,
                parent,
                spool,
                null,
                [.. chain.OfType<Manifest>().Where(m => m.Catalog is null).Select(m => m.Stream)]
            );
        }
        catch (BackupFailure e)
        {
            return new SubvolumeStatus(
                subvolume,
                nested?.Place,
                nested?.Gone,
                null,
                false,
                null,
                0,
                0,
                [],
                null,
                null,
                null,
                parent,
                spool,
                e.Message
            );
        }
    }

    private static PublishedStream? Published(Manifest? manifest) =>
        manifest is null
            ? null
            : new PublishedStream(manifest.Stream, manifest.PublishedAt, manifest.TotalBytes, manifest.Chunks.Count);

    private static StreamInSpool InSpool(SpoolStream stream)
    {
        (int ready, int uploaded, long bytes) = stream.Usage();
        string? held =
            stream.IsHeld && stream.ReadHeld() is { } record
                ? $"{record.Chunk} part {record.Part} is damaged on the spool, since {record.HeldAt:O} (README, \"A damaged chunk\")"
                : null;
        return new StreamInSpool(stream.Name, stream.IsSealed, ready, uploaded, bytes, held);
    }

    private static void WriteText(StatusReport report, TextWriter output)
    {
        static string When(DateTimeOffset? at) =>
            at?.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture) ?? "-";
        output.WriteLine($"s3://{report.Bucket}/{report.Prefix}");
        output.WriteLine(
            $"spool: {ByteSize.Human(report.SpoolChunkBytes)} of chunks, quota {ByteSize.Human(report.SpoolQuota)}, {ByteSize.Human(report.SpoolFree)} free on its filesystem; spooler {(report.SpoolerRunning ? "running" : "not running")}, uploader {(report.UploaderRunning ? "running" : "not running")}"
        );
        output.WriteLine(
            report.LastRun is { } run
                ? $"last upload run: {When(run.FinishedAt)}, exit {run.ExitCode}, {run.Chunks} chunks, {ByteSize.Human(run.Bytes)} in {run.Seconds:0} s ({run.MegabytesPerSecond:0.0} MB/s), {run.StreamsPublished} streams published"
                : "last upload run: none recorded"
        );
        output.WriteLine($"bandwidth: cap now {report.Bandwidth.CapNow}; schedule: {report.Bandwidth.Schedule}");
        output.WriteLine(
            $"signing key: {report.SigningKey ?? "none yet (the first run makes it)"}; keep it with the age key: a restore trusts what it signed"
        );
        foreach (SubvolumeStatus s in report.Subvolumes)
        {
            output.WriteLine();
            output.WriteLine(
                s.Nested is null
                    ? $"{s.Subvolume}:"
                    : $"{s.Subvolume}: nested in {s.Nested.In} at {s.Nested.Path}{(s.GoneFromHost == true ? ", GONE from the host (its chain stays in S3)" : string.Empty)}"
            );
            if (s.Problem is not null)
            {
                output.WriteLine($"  S3: {s.Problem}");
            }
            else if (s.CurrentGeneration is null)
            {
                output.WriteLine("  nothing published yet");
            }
            else
            {
                output.WriteLine(
                    $"  generation {s.CurrentGeneration} (of {s.Generations} kept), {s.ChainLength} streams in its chain"
                );
                output.WriteLine(
                    $"  owner:            {s.Owner}{(s.OwnedElsewhere ? ", NOT this host's filesystem: this host cannot publish here (README, \"One prefix, one host\")" : string.Empty)}"
                );
                output.WriteLine($"  last full:        {Line(s.LastFull)}");
                output.WriteLine($"  last incremental: {Line(s.LastIncremental)}");
                output.WriteLine($"  next full due:    {When(s.NextFullDue)}");
                if (s.WithoutCatalog is { } without)
                {
                    output.WriteLine(
                        without.Count == 0
                            ? $"  catalogs:         every stream of the chain"
                            : $"  catalogs:         {s.ChainLength - without.Count} of {s.ChainLength} streams; none for {string.Join(", ", without)} (written before 0.3.0, with [spool] catalog = no, or abandoned: see the spooler's log)"
                    );
                }

                if (s.Locks.Any(l => l.Mode is not null))
                {
                    output.WriteLine(
                        $"  object lock:      {string.Join("; ", s.Locks.Select(l => l.Mode is null ? $"{l.Generation} none" : $"{l.Generation} {l.Mode} until {When(l.Until)}"))}"
                    );
                }
            }

            output.WriteLine($"  parent of the next incremental: {s.ParentSnapshot ?? "none (next is a full)"}");
            foreach (StreamInSpool stream in s.Spool)
            {
                output.WriteLine(
                    $"  in the spool: {stream.Stream}, {(stream.Sealed ? "sealed" : "being written")}, {stream.ChunksReady} chunks waiting, {stream.ChunksUploaded} uploaded, {ByteSize.Human(stream.BytesInSpool)}{(stream.Held is null ? string.Empty : $"; HELD: {stream.Held}")}"
                );
            }
        }

        static string Line(PublishedStream? p) =>
            p is null ? "-" : $"{p.Stream}, {When(p.PublishedAt)}, {ByteSize.Human(p.Bytes)} in {p.Chunks} chunks";
    }
}
