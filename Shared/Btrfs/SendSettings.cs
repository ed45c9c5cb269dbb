using BtrfsToS3.Shared.Configuration;

namespace BtrfsToS3.Shared.Btrfs;

/// <summary>
/// The send protocol and flags a run's streams are sent with, from [btrfs] and what this host can do: btrfs-progs 6.0
/// brought <c>btrfs send --proto</c> and <c>--compressed-data</c>, and the kernel says the highest protocol it sends in
/// /sys/fs/btrfs/features/send_stream_version (absent before 5.x: protocol 1).
/// </summary>
internal sealed record SendSettings(int Protocol, bool CompressedData)
{
    /// <summary>The btrfs-progs that first sends protocol 2 (<c>--proto</c>, <c>--compressed-data</c>).</summary>
    public static readonly Version SendsProtocol2 = new(6, 0);

    /// <summary>
    /// The btrfs-progs a restoring host needs to receive a protocol 2 stream: 6.0.2 and 6.2 fixed bugs in the receive
    /// of encoded (compressed) writes (btrfs-progs release notes), so older ones are refused rather than trusted.
    /// </summary>
    public static readonly Version ReceivesProtocol2 = new(6, 2);

    public static SendSettings Of(BtrfsOptions options, Version? progs, int kernelProtocol)
    {
        bool progsCan = progs is not null && progs >= SendsProtocol2;
        int protocol = options.SendProtocol ?? (progsCan && kernelProtocol >= 2 ? 2 : 1);
        if (protocol == 2 && !progsCan)
        {
            throw ConfigError.At(
                "[btrfs] send_protocol",
                $"2 needs btrfs-progs {SendsProtocol2} or newer to send it; this host has {(progs is null ? "an unknown version" : $"v{progs}")} (set auto or 1)"
            );
        }

        if (protocol == 2 && kernelProtocol < 2)
        {
            throw ConfigError.At(
                "[btrfs] send_protocol",
                $"2 needs a kernel that sends it (6.0 or newer); this one sends protocol {kernelProtocol} at most (set auto or 1)"
            );
        }

        // auto sends no compressed data: with --compressed-data, a file whose first block holds an inline extent
        // shorter than the file comes back from receive with the parent's bytes in the rest of that block, where the
        // snapshot reads zeros (found by CatalogPropertyTests; btrfs-progs 6.2, kernel 6.18; docs/RELIABILITY.md). The
        // spooler compresses every chunk itself, so what --compressed-data saves is CPU on this host, not bytes in S3.
        return new SendSettings(protocol, options.CompressedData ?? false);
    }

    /// <summary>The version in <c>btrfs --version</c>'s line ("btrfs-progs v6.2", "btrfs-progs v6.0.2"), or
    /// null.</summary>
    public static Version? ParseProgs(string versionLine)
    {
        string word = versionLine.Split(' ', StringSplitOptions.RemoveEmptyEntries).LastOrDefault() ?? string.Empty;
        string digits = new([.. word.TrimStart('v').TakeWhile(c => char.IsAsciiDigit(c) || c == '.')]);
        return Version.TryParse(digits.Contains('.') ? digits : digits + ".0", out Version? version) ? version : null;
    }
}
