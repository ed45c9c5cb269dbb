using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using BtrfsToS3.Shared.Crypto;
using BtrfsToS3.Shared.SendStream;

namespace BtrfsToS3.Spooler.Catalog;

/// <summary>
/// Writes a stream's catalog (docs/FORMAT.md, "Catalog") in the same pass as its chunks: every block the spooler reads
/// from <c>btrfs send</c> is fed to a <see cref="SendStreamParser"/>, and each command becomes a JSON line with its
/// data replaced by where that data lies in the stream. Consecutive writes of one file that follow each other in the
/// file and at one stride in the stream become one line, so a file written whole is one line per extent, not one per
/// 48 KiB write. A catalog that cannot be made (the parser refuses the stream, the catalog passes its size limit, the
/// file cannot be written) is abandoned with its reason and never fails the stream: the chunks are the backup.
/// </summary>
internal sealed class CatalogBuilder : ISendCommandSink, IDisposable
{
    /// <summary>Lines are handed to the encoder in batches of about this many bytes, a zstd frame's worth.</summary>
    private const int BatchBytes = 1024 * 1024;

    private static readonly JsonWriterOptions JsonOptions = new()
    {
        // Names are written as UTF-8, not as \u escapes: the catalog is for jq and people as well.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        SkipValidation = true,
    };

    private readonly SendStreamParser _parser;
    private readonly CatalogOutput _output;
    private readonly ArrayBufferWriter<byte> _lines = new(BatchBytes * 2);
    private readonly Utf8JsonWriter _json;
    private int _batchLines;
    private long _commands;
    private WriteRun? _run;

    /// <param name="path">The catalog file's final name in the stream's directory.</param>
    public CatalogBuilder(
        string path,
        string subvolume,
        string stream,
        string kind,
        int sendProtocol,
        IReadOnlyList<AgeRecipient> recipients
    )
    {
        _parser = new SendStreamParser(this);
        _output = new CatalogOutput(path, recipients);
        _json = new Utf8JsonWriter(_lines, JsonOptions);
        _json.WriteStartObject();
        _json.WriteString("op", "header");
        _json.WriteNumber("format_version", 2);
        _json.WriteString("catalog", "btrfs_to_s3 catalog");
        _json.WriteString("subvolume", subvolume);
        _json.WriteString("stream", stream);
        _json.WriteString("kind", kind);
        _json.WriteNumber("send_protocol", sendProtocol);
        EndLine();
    }

    /// <summary>Why the catalog was abandoned; null while it is being made.</summary>
    public string? Abandoned { get; private set; }

    /// <summary>The next bytes of the stream, in order. Never throws: a failure abandons the catalog.</summary>
    public void Feed(ReadOnlySpan<byte> block)
    {
        if (Abandoned is not null)
        {
            return;
        }

        try
        {
            _parser.Feed(block);
        }
        catch (Exception e) when (IsCatalogFailure(e))
        {
            Abandon(e.Message);
        }
    }

    /// <summary>
    /// After the whole stream was fed: the end line, then the file is committed. Returns what the seal is to name, or
    /// null with <see cref="Abandoned"/> saying why.
    /// </summary>
    public CatalogRecordResult Finish()
    {
        if (Abandoned is null)
        {
            try
            {
                _parser.Finish();
                FlushRun();
                _json.WriteStartObject();
                _json.WriteString("op", "end");
                _json.WriteNumber("commands", _commands);
                _json.WriteNumber("stream_bytes", _parser.Position);
                EndLine();
                WriteBatch();
                return new CatalogRecordResult(_output.Commit(), null);
            }
            catch (Exception e) when (IsCatalogFailure(e))
            {
                Abandon(e.Message);
            }
        }

        return new CatalogRecordResult(null, Abandoned);
    }

    public void OnCommand(SendCommand command)
    {
        _commands++;
        if (command.Kind == SendCommandKind.Write)
        {
            AddWrite(command);
            return;
        }

        FlushRun();
        if (command.Kind == SendCommandKind.End)
        {
            return;
        }

        _json.WriteStartObject();
        _json.WriteString("op", SendProtocol.Name(command.Kind));
        if (command.Path is not null)
        {
            WriteName("path", command.Path);
        }

        WriteAttributes(command);
        EndLine();
    }

    public void Dispose()
    {
        _json.Dispose();
        _output.Dispose();
    }

    /// <summary>Failures that end the catalog but not the stream: a stream our reader refuses, a full or unwritable
    /// spool for the catalog, or too large a catalog.</summary>
    private static bool IsCatalogFailure(Exception e) =>
        e is Shared.Failures.BackupFailure or IOException or UnauthorizedAccessException or CatalogTooLargeException;

    private void Abandon(string reason)
    {
        Abandoned = reason;
        _output.Dispose();
    }

    private void WriteAttributes(SendCommand command)
    {
        switch (command.Kind)
        {
            case SendCommandKind.Subvol:
                _json.WriteString("uuid", command.Uuid);
                _json.WriteNumber("ctransid", command.Ctransid);
                break;
            case SendCommandKind.Snapshot:
                _json.WriteString("uuid", command.Uuid);
                _json.WriteNumber("ctransid", command.Ctransid);
                _json.WriteString("clone_uuid", command.CloneUuid);
                _json.WriteNumber("clone_ctransid", command.CloneCtransid);
                break;
            case SendCommandKind.Mknod:
                _json.WriteNumber("mode", command.Mode);
                _json.WriteNumber("rdev", command.Rdev);
                break;
            case SendCommandKind.Symlink or SendCommandKind.Link:
                WriteName("target", command.PathLink!);
                break;
            case SendCommandKind.Rename:
                WriteName("to", command.PathTo!);
                break;
            case SendCommandKind.SetXattr:
                WriteName("name", command.XattrName!);
                _json.WriteBase64String("value", command.XattrData.Span);
                break;
            case SendCommandKind.RemoveXattr:
                WriteName("name", command.XattrName!);
                break;
            case SendCommandKind.EncodedWrite:
                _json.WriteNumber("offset", command.FileOffset);
                _json.WriteNumber("unencoded_file_length", command.UnencodedFileLength);
                _json.WriteNumber("unencoded_length", command.UnencodedLength);
                _json.WriteNumber("unencoded_offset", command.UnencodedOffset);
                _json.WriteNumber("compression", command.Compression);
                _json.WriteNumber("encryption", command.Encryption);
                _json.WriteNumber("data", command.Data.StreamOffset);
                _json.WriteNumber("length", command.Data.Length);
                break;
            case SendCommandKind.Clone:
                _json.WriteNumber("offset", command.FileOffset);
                _json.WriteNumber("length", command.CloneLength);
                _json.WriteString("source_uuid", command.CloneUuid);
                _json.WriteNumber("source_ctransid", command.CloneCtransid);
                WriteName("source_path", command.ClonePath!);
                _json.WriteNumber("source_offset", command.CloneOffset);
                break;
            case SendCommandKind.Truncate:
                _json.WriteNumber("size", command.Size);
                break;
            case SendCommandKind.Chmod:
                _json.WriteNumber("mode", command.Mode);
                break;
            case SendCommandKind.Chown:
                _json.WriteNumber("uid", command.Uid);
                _json.WriteNumber("gid", command.Gid);
                break;
            case SendCommandKind.Utimes:
                WriteTime("atime", command.Atime);
                WriteTime("mtime", command.Mtime);
                WriteTime("ctime", command.Ctime);
                break;
            case SendCommandKind.Fallocate:
                _json.WriteNumber("mode", command.FallocateMode);
                _json.WriteNumber("offset", command.FileOffset);
                _json.WriteNumber("length", command.Size);
                break;
            case SendCommandKind.Fileattr:
                _json.WriteNumber("attributes", command.Fileattr);
                break;
            case SendCommandKind.EnableVerity:
                _json.WriteNumber("algorithm", command.VerityAlgorithm);
                _json.WriteNumber("block_size", command.VerityBlockSize);
                _json.WriteBase64String("salt", command.VeritySalt.Span);
                _json.WriteBase64String("signature", command.VeritySignature.Span);
                break;
            case SendCommandKind.UpdateExtent:
                // Only a send without data (--no-data) writes these, and this tool never asks for one.
                throw new Shared.Failures.BackupFailure(
                    Shared.Failures.FailureKind.BadData,
                    $"send stream: command at offset {command.StreamOffset} (update_extent) has no data to catalog"
                );
        }
    }

    /// <summary>A write that goes on where the run ends, at the run's stride, after only full pieces, joins it;
    /// anything else ends the run and starts one.</summary>
    private void AddWrite(SendCommand command)
    {
        long offset = (long)command.FileOffset;
        SendDataRange data = command.Data;
        if (_run is { } run && run.Extends(command.Path!, offset, data))
        {
            _run = run.With(data);
            return;
        }

        FlushRun();
        _run = WriteRun.Start(command.Path!, offset, data);
    }

    private void FlushRun()
    {
        if (_run is not { } run)
        {
            return;
        }

        _run = null;
        _json.WriteStartObject();
        _json.WriteString("op", "write");
        WriteName("path", run.Path);
        _json.WriteNumber("offset", run.Offset);
        _json.WriteNumber("length", run.Length);
        _json.WriteNumber("data", run.Data);
        if (run.Pieces > 1)
        {
            _json.WriteNumber("piece", run.Piece);
            _json.WriteNumber("stride", run.Stride);
        }

        EndLine();
    }

    /// <summary>A name as a JSON string, or, where its bytes are not UTF-8 (<see cref="LosslessUtf8"/> lone
    /// surrogates), as <c>FIELD_b64</c> with the bytes in base64.</summary>
    private void WriteName(string field, string name)
    {
        if (LosslessUtf8.IsUtf8(name))
        {
            _json.WriteString(field, name);
        }
        else
        {
            _json.WriteBase64String(field + "_b64", LosslessUtf8.Encode(name));
        }
    }

    private void WriteTime(string field, SendTimestamp time)
    {
        _json.WriteStartArray(field);
        _json.WriteNumberValue(time.Seconds);
        _json.WriteNumberValue(time.Nanoseconds);
        _json.WriteEndArray();
    }

    private void EndLine()
    {
        _json.WriteEndObject();
        _json.Flush();
        _json.Reset();
        _lines.Write("\n"u8);
        _batchLines++;
        if (_lines.WrittenCount >= BatchBytes)
        {
            WriteBatch();
        }
    }

    private void WriteBatch()
    {
        _output.Write(_lines.WrittenSpan, _batchLines);
        _lines.ResetWrittenCount();
        _batchLines = 0;
    }
}
