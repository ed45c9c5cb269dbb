using System.Buffers.Binary;
using System.Text;
using BtrfsToS3.Shared.Btrfs;
using BtrfsToS3.Shared.Crypto;
using BtrfsToS3.Shared.Format;
using BtrfsToS3.Spooler.Catalog;
using BtrfsToS3.Spooler.Chunking;

namespace BtrfsToS3.Spooler.Streams;

/// <summary>
/// Runs the <c>btrfs send</c> a header describes, writes its output as chunks and, when the command exited 0 and every
/// byte is accounted for, seals the stream. A stream that does not end well is never sealed.
/// </summary>
internal sealed class StreamSender(
    QuotaGate gate,
    string btrfsVersion,
    string kernelVersion,
    bool writeCatalog,
    TimeProvider time,
    ILogger logger
)
{
    private static readonly byte[] StreamMagic = Encoding.ASCII.GetBytes("btrfs-stream\0");

    public async Task<Seal> SendAsync(SpoolStream stream, StreamHeader header, CancellationToken cancellationToken)
    {
        stream.DiscardChunks();
        DateTimeOffset startedAt = time.GetUtcNow();
        Log.SendStarted(
            logger,
            header.Stream,
            header.Kind.ToString().ToLowerInvariant(),
            string.Join(' ', header.SendCommand)
        );

        ChunkedStream chunked;
        int exitCode;
        string command;
        IReadOnlyList<AgeRecipient> recipients = Recipients(header);
        using CatalogBuilder? catalog = writeCatalog
            ? new CatalogBuilder(
                stream.CatalogPath,
                header.Subvolume,
                header.Stream,
                header.Kind.ToString().ToLowerInvariant(),
                header.SendProtocol,
                recipients
            )
            : null;
        await using (
            BtrfsProcess send = BtrfsTool.StartSend(header.SendCommand, line =>
                Log.SendOutput(logger, header.Stream, line)
            )
        )
        {
            command = send.CommandLine;
            ChunkCompression compression = ChunkCompression.TryParse(header.Compression)
                ?? throw new BackupFailure(
                    FailureKind.BadData,
                    $"stream {header.Stream}: its header asks for compression \"{header.Compression}\", which this version does not write"
                );
            var writer = new ChunkWriter(
                stream,
                header.ChunkSize,
                header.PartSize,
                compression,
                recipients,
                gate,
                logger,
                catalog
            );
            chunked = await writer.WriteAsync(send.Output, cancellationToken);
            (exitCode, _) = await send.FinishAsync(cancellationToken);
        }

        if (exitCode != 0)
        {
            throw new BackupFailure(
                FailureKind.Unavailable,
                $"stream {header.Stream}: {command} exited {exitCode} (its stderr is in the log above)"
            );
        }

        if (!chunked.Head.Span.StartsWith(StreamMagic))
        {
            throw new BackupFailure(
                FailureKind.BadData,
                $"stream {header.Stream}: {command} wrote {chunked.TotalBytes} bytes that do not start like a btrfs send stream"
            );
        }

        // The stream says its protocol right after the magic (a little-endian u32): the header must record the truth,
        // since a restoring host checks from it that its btrfs receive can read the stream.
        int protocol =
            chunked.Head.Length >= StreamMagic.Length + 4
                ? (int)BinaryPrimitives.ReadUInt32LittleEndian(chunked.Head.Span[StreamMagic.Length..])
                : 0;
        if (protocol != header.SendProtocol)
        {
            throw new BackupFailure(
                FailureKind.BadData,
                $"stream {header.Stream}: {command} wrote a protocol {protocol} stream, but protocol {header.SendProtocol} was asked for"
            );
        }

        CheckByteCount(header.Stream, chunked);
        CatalogRecord? catalogRecord = catalog is null ? null : FinishCatalog(header.Stream, catalog);
        Seal seal = Seal.Of(
            header,
            chunked.Chunks,
            chunked.TotalBytes,
            chunked.Sha256,
            btrfsVersion,
            kernelVersion,
            startedAt,
            time.GetUtcNow(),
            catalogRecord
        );
        stream.WriteSeal(seal);
        double seconds = (seal.FinishedAt - startedAt).TotalSeconds;
        Log.StreamSealed(
            logger,
            header.Stream,
            seal.ChunkCount,
            seal.TotalBytes,
            seal.Sha256,
            seconds,
            seconds > 0 ? seal.TotalBytes / seconds / 1e6 : 0
        );
        return seal;
    }

    /// <summary>The catalog written whole, or null with the reason in the log: a stream without a catalog is still
    /// whole.</summary>
    private CatalogRecord? FinishCatalog(string stream, CatalogBuilder catalog)
    {
        CatalogRecordResult result = catalog.Finish();
        if (result.Record is { } record)
        {
            Log.CatalogWritten(logger, stream, record.Lines, record.Size);
        }
        else
        {
            Log.CatalogAbandoned(logger, stream, result.Abandoned!);
        }

        return result.Record;
    }

    /// <summary>The age recipients of an encrypted stream (none where it is not); a header that lacks them is
    /// refused.</summary>
    private static IReadOnlyList<AgeRecipient> Recipients(StreamHeader header)
    {
        if (header.Encryption == ChunkEncoding.Plain)
        {
            return [];
        }

        try
        {
            return header.Encryption == ChunkEncoding.Age && header.Recipients.Count > 0
                ? [.. header.Recipients.Select(AgeRecipient.Parse)]
                : throw new BackupFailure(
                    FailureKind.BadData,
                    $"stream {header.Stream}: its header asks for encryption \"{header.Encryption}\" to {header.Recipients.Count} recipients, which this version cannot write"
                );
        }
        catch (AgeException e)
        {
            throw new BackupFailure(
                FailureKind.BadData,
                $"stream {header.Stream}: its header names a recipient that is not one: {e.Message}"
            );
        }
    }

    /// <summary>
    /// The bytes counted through the pipe must be the bytes in the chunks. Each chunk's file length was checked as it
    /// was finished; the files themselves may be gone by now, since the uploader deletes chunks as soon as S3 holds
    /// them.
    /// </summary>
    private static void CheckByteCount(string stream, ChunkedStream chunked)
    {
        long sum = chunked.Chunks.Sum(c => c.StreamSize);
        if (sum != chunked.TotalBytes)
        {
            throw new BackupFailure(
                FailureKind.BadData,
                $"stream {stream}: the chunks hold {sum} bytes, but {chunked.TotalBytes} came from btrfs send"
            );
        }
    }
}
