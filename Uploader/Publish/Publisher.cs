using System.Net;
using Amazon.S3;
using BtrfsToS3.Shared.Configuration;
using BtrfsToS3.Shared.Failures;
using BtrfsToS3.Shared.IO;
using BtrfsToS3.Shared.Publishing;
using BtrfsToS3.Shared.Spool;
using BtrfsToS3.Shared.State;
using BtrfsToS3.Uploader.S3;
using Microsoft.Extensions.Logging;

namespace BtrfsToS3.Uploader.Publish;

/// <summary>
/// Publishes a sealed stream whose every chunk is verified in S3, in the order docs/FORMAT.md requires: the manifest
/// (never overwritten), then the pointer (the commit), then the local state, then the spool directory goes.
/// Each step is safe to repeat, so a run killed between any two of them is completed by the next.
/// </summary>
internal sealed class Publisher(BackupOptions options, S3Objects objects, TimeProvider time, ILogger logger)
{
    private S3Options S3 => options.S3;

    /// <summary>Publishes the stream if it is complete and returns its seal; null when chunks of it are still in the spool.</summary>
    public async Task<Seal?> TryPublishAsync(SpoolStream stream, CancellationToken cancellationToken)
    {
        Seal seal = SpoolFiles.Read(stream.SealPath, FormatJson.Default.Seal, s => s.FormatVersion);
        var chunks = new List<ManifestChunk>(seal.Chunks.Count);
        foreach (ChunkRecord chunk in seal.Chunks)
        {
            string uploadedPath = Path.Combine(stream.Dir, SpoolLayout.UploadedName(chunk.Index));
            if (!File.Exists(uploadedPath))
            {
                if (File.Exists(Path.Combine(stream.Dir, chunk.Name)))
                {
                    return null;
                }

                throw new BackupFailure(FailureKind.BadData, $"stream {stream.Name}: {chunk.Name} is neither in the spool nor recorded as uploaded; the stream cannot be published");
            }

            UploadedRecord uploaded = SpoolFiles.Read(uploadedPath, FormatJson.Default.UploadedRecord, u => u.FormatVersion);
            if (uploaded.Size != chunk.Size || uploaded.Sha256 != chunk.Sha256 || uploaded.Etag != chunk.Etag)
            {
                throw new BackupFailure(FailureKind.BadData, $"stream {stream.Name}: {chunk.Name} was uploaded as {uploaded.Size} bytes sha256 {uploaded.Sha256}, but the seal says {chunk.Size} bytes sha256 {chunk.Sha256}");
            }

            chunks.Add(new ManifestChunk(chunk.Index, uploaded.Key, chunk.Size, chunk.Sha256, chunk.Etag));
        }

        string manifestKey = ObjectKeys.Manifest(S3.Prefix, seal.Subvolume, seal.Generation, seal.Stream);
        string pointerKey = ObjectKeys.Pointer(S3.Prefix, seal.Subvolume);
        Pointer? pointer = await objects.GetAsync(pointerKey, FormatJson.Default.Pointer, p => p.FormatVersion, cancellationToken).ConfigureAwait(false);
        bool alreadyCommitted = pointer?.Generations.Any(g => g.Manifests.Contains(manifestKey)) == true;
        if (!alreadyCommitted)
        {
            string? parentManifest = await ParentManifestAsync(seal, pointer, cancellationToken).ConfigureAwait(false);
            Manifest manifest = BuildManifest(seal, parentManifest, chunks);
            await PutManifestAsync(manifestKey, manifest, cancellationToken).ConfigureAwait(false);
            CrashPoint.Reached("uploader-after-manifest");
            await objects.PutJsonAsync(pointerKey, Extend(pointer, seal, manifestKey), FormatJson.Default.Pointer, S3.StorageClassMetadata, ifNoneMatch: false, cancellationToken).ConfigureAwait(false);
            CrashPoint.Reached("uploader-after-pointer");
        }

        StateFiles.WritePublished(options.State.Dir, new PublishedSnapshot(
            SpoolLayout.FormatVersion, seal.Subvolume, seal.Snapshot, seal.Kind, seal.Generation, seal.ChainPosition, time.GetUtcNow(), manifestKey));
        CrashPoint.Reached("uploader-after-state");
        Directory.Delete(stream.Dir, recursive: true);
        Posix.FsyncDirectory(options.Spool.Dir);
        Log.StreamPublished(logger, seal.Stream, seal.Kind.ToString().ToLowerInvariant(), seal.Generation, seal.ChainPosition, manifestKey);
        return seal;
    }

    /// <summary>
    /// An incremental is published only right after its parent: the pointer's current generation must end with the
    /// manifest of the parent snapshot. Anything else would leave a gap in the chain.
    /// </summary>
    private async Task<string?> ParentManifestAsync(Seal seal, Pointer? pointer, CancellationToken cancellationToken)
    {
        if (seal.Kind == StreamKind.Full)
        {
            return null;
        }

        PointerGeneration? generation = pointer?.Generations.FirstOrDefault(g => g.Generation == seal.Generation);
        string? last = generation?.Manifests.LastOrDefault();
        Manifest? parent = last is null
            ? null
            : await objects.GetAsync(last, FormatJson.Default.Manifest, m => m.FormatVersion, cancellationToken).ConfigureAwait(false);
        if (parent is null || parent.Snapshot != seal.Parent || generation != pointer!.Generations[^1])
        {
            throw new BackupFailure(
                FailureKind.BadData,
                $"stream {seal.Stream}: incremental on {seal.Parent?.Name}, but the pointer's generation {seal.Generation} does not end with that snapshot's manifest; publishing it would leave a gap in the chain");
        }

        return last;
    }

    private Manifest BuildManifest(Seal seal, string? parentManifest, IReadOnlyList<ManifestChunk> chunks) => new(
        SpoolLayout.FormatVersion,
        seal.Subvolume,
        seal.Stream,
        seal.Kind,
        seal.Generation,
        seal.ChainPosition,
        seal.Snapshot,
        seal.Parent,
        parentManifest,
        seal.SendCommand,
        seal.BtrfsProgsVersion,
        seal.KernelVersion,
        seal.StartedAt,
        seal.FinishedAt,
        time.GetUtcNow(),
        seal.ChunkSize,
        seal.PartSize,
        seal.TotalBytes,
        seal.Sha256,
        S3.StorageClassData,
        chunks);

    private Pointer Extend(Pointer? pointer, Seal seal, string manifestKey)
    {
        List<PointerGeneration> generations = [.. pointer?.Generations ?? []];
        if (seal.Kind == StreamKind.Full)
        {
            generations.Add(new PointerGeneration(seal.Generation, [manifestKey]));
        }
        else
        {
            PointerGeneration current = generations[^1];
            generations[^1] = current with { Manifests = [.. current.Manifests, manifestKey] };
        }

        return new Pointer(SpoolLayout.FormatVersion, seal.Subvolume, seal.Generation, time.GetUtcNow(), generations);
    }

    /// <summary>Writes the manifest once. If an earlier run already wrote it (412), it must describe the same stream.</summary>
    private async Task PutManifestAsync(string key, Manifest manifest, CancellationToken cancellationToken)
    {
        try
        {
            await objects.PutJsonAsync(key, manifest, FormatJson.Default.Manifest, S3.StorageClassMetadata, ifNoneMatch: true, cancellationToken).ConfigureAwait(false);
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.PreconditionFailed)
        {
            Manifest? existing = await objects.GetAsync(key, FormatJson.Default.Manifest, m => m.FormatVersion, cancellationToken).ConfigureAwait(false);
            if (existing is null || !existing.SameStreamAs(manifest))
            {
                throw new BackupFailure(FailureKind.BadData, $"manifest {key} already exists and describes another stream; it is never overwritten");
            }

            Log.ManifestAlreadyWritten(logger, key);
        }
    }
}
